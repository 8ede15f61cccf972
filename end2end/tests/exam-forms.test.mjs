// The exam forms besides the test, in the browser: a ticket exam (the student draws a ticket,
// writes the answer, attaches a file, a wrong file is refused; the teacher grades it with a
// comment the student then reads), an offline exam whose marks the teacher types into a sheet,
// and a picture attached to a question in the bank that the candidate then sees on a phone,
// and ordering and matching questions answered through the paper's opaque option ids.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { launch, close, visit, hydrated, msg, uniq, screenshot, scrollWidth, signedIn, createExam, PHONE } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const as = (login, lang, options = {}) => signedIn(browser, login, lang, options);

/** Creates an exam of `form` ("ticket", "offline", "test") for the demo journal. */
async function newExam(page, lang, title, form, fill) {
  await createExam(page, lang, { title, form, fill });
}

const PDF = Buffer.from('%PDF-1.4\n% Talap test answer\n');

test('a ticket is answered with a file and graded with a comment the student reads', async () => {
  const lang = 'ru';
  const title = `Билеты ${uniq()}`;
  const teacher = await as('teacher', lang);
  await newExam(teacher.page, lang, title, 'ticket', async (f) => {
    await f.getByLabel(msg('DurationMinutes', lang), { exact: true }).fill('60');
    await f.getByTestId('tickets').fill('1. Что такое нормализация?\n2. Третья нормальная форма.\n---\n1. Что такое индекс?\n2. B-дерево.');
    await f.getByLabel(msg('Proctored', lang), { exact: true }).uncheck();
  });

  // The student: no device check for an unproctored exam, a ticket, an answer, a file.
  const student = await as('student1', lang, { viewport: PHONE });
  const { page } = student;
  await visit(page, '/exams');
  await page.getByTestId('my-exams').locator('tr', { hasText: title }).getByTestId('start-exam').click();
  await page.waitForURL(/\/exams\/\d+\/sit$/);
  await page.getByTestId('begin-exam').click();
  await page.waitForURL(/\/exams\/attempt\/\d+$/);
  const body = await page.getByTestId('ticket-body').innerText();
  assert.ok(/нормализация|индекс/.test(body), body);
  const answer = 'Нормализация убирает избыточность данных.';
  await page.getByTestId('written-answer').fill(answer);
  await page.getByTestId('answers-status').filter({ hasText: msg('AllAnswersSaved', lang) }).waitFor();
  const upload = page.getByTestId('ticket-upload');
  await upload.locator('input[type=file]').setInputFiles({ name: 'virus.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00\x03') });
  await upload.locator('button[type=submit]').click();
  await page.getByTestId('ticket-file-error').filter({ hasText: msg('ErrFileType', lang) }).waitFor();
  await upload.locator('input[type=file]').setInputFiles({ name: 'ответ.pdf', mimeType: 'application/pdf', buffer: PDF });
  await upload.locator('button[type=submit]').click();
  await page.getByTestId('ticket-files').getByText('ответ.pdf').waitFor();
  assert.equal(await page.getByTestId('ticket-file-error').count(), 0);
  await screenshot(page, 'ticket-sitting-ru-phone');
  assert.ok((await scrollWidth(page)) <= PHONE.width, 'no sideways scroll on a phone');
  // A reload keeps both.
  await page.reload();
  await hydrated(page);
  await page.getByTestId('ticket-files').getByText('ответ.pdf').waitFor();
  assert.equal(await page.getByTestId('written-answer').inputValue(), answer);
  await page.getByTestId('submit-exam').click();
  await page.getByTestId('attempt-submitted').waitFor();
  assert.equal((await page.getByTestId('attempt-mark').innerText()).trim(), msg('AwaitingGrading', lang));

  // The teacher grades it from the results: the answer and the file are there.
  {
    const { page } = teacher;
    await visit(page, '/exams');
    await page.getByTestId('teaching-exams').locator('tr', { hasText: title }).getByRole('link', { name: msg('Results', lang) }).click();
    await page.getByTestId('grade-link').first().click();
    await page.waitForURL(/\/exams\/attempt\/\d+\/grade$/);
    await hydrated(page);
    assert.equal((await page.getByTestId('grade-written').innerText()).trim(), answer);
    const download = page.waitForEvent('download');
    await page.getByTestId('ticket-files').getByText('ответ.pdf').click();
    const file = await download;
    assert.equal(file.suggestedFilename(), 'ответ.pdf');
    await page.getByTestId('grade-mark-input').fill('4');
    await page.getByTestId('grade-comment').fill('Второй вопрос раскрыт не полностью.');
    await page.getByTestId('save-grade').click();
    await page.getByText(msg('GradeSaved', lang)).waitFor();
    await page.getByTestId('grade-mark').filter({ hasText: '4' }).waitFor();
    await close(teacher);
  }

  await page.reload();
  await hydrated(page);
  await page.getByTestId('grader-comment').filter({ hasText: 'Второй вопрос раскрыт не полностью.' }).waitFor();
  assert.equal((await page.getByTestId('attempt-mark').innerText()).trim(), '4');
  await close(student);
});

test('an offline exam: the teacher types the marks, a wrong one is refused at its row', async () => {
  const lang = 'kk';
  const title = `Аудитория ${uniq()}`;
  const ctx = await as('teacher', lang);
  const { page } = ctx;
  await newExam(page, lang, title, 'offline', async () => {});
  await page.getByTestId('teaching-exams').locator('tr', { hasText: title }).getByTestId('enter-marks').click();
  await page.waitForURL(/\/exams\/\d+\/marks$/);
  // The exams list is a candidate's page: the marks sheet loads the whole app, which must have
  // hydrated before the save button is the app's (a click earlier sends the bare form).
  await hydrated(page);
  const inputs = page.getByTestId('offline-mark');
  await inputs.first().waitFor();
  assert.ok((await inputs.count()) >= 3, 'every student of the group has a row');
  await inputs.nth(0).fill('5');
  await inputs.nth(1).fill('9');
  await page.getByTestId('save-marks').click();
  await page.locator('.marks-sheet tr.invalid').waitFor();
  assert.equal(await page.locator('.marks-sheet tr.invalid').count(), 1, 'only the wrong row is marked');
  assert.equal(await page.getByTestId('marks-saved').count(), 0, 'nothing was saved');
  await inputs.nth(1).fill('н');
  await page.getByTestId('save-marks').click();
  await page.getByTestId('marks-saved').filter({ hasText: '2' }).waitFor();
  await screenshot(page, 'offline-marks-kk');
  await page.getByRole('link', { name: msg('Results', lang) }).click();
  await page.getByTestId('results').locator('tbody tr').first().waitFor();
  assert.equal(await page.getByTestId('results').locator('tbody tr').count(), 2);
  await close(ctx);
});

/** A real PNG of `w`×`h` (a coloured gradient), made here so the test needs no image file. */
function png(w, h) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) row.set([(x * 255 / w) | 0, (y * 255 / h) | 0, 160], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('a picture attached to a question in the bank is shown to the candidate who draws it', async () => {
  const lang = 'kk';
  const topic = `Сызба ${uniq()}`;
  const title = `Суретті тест ${uniq()}`;
  const stem = `Суреттегі график қандай функция? ${uniq()}`;
  const teacher = await as('teacher', lang);
  {
    const { page } = teacher;
    await visit(page, '/exams');
    const importForm = page.getByTestId('import-form');
    await importForm.getByLabel(msg('Subject', lang), { exact: true }).selectOption({ label: 'Деректер қоры' });
    const gift = `$CATEGORY: ${topic}\n\n${stem}{=Сызықтық ~Квадраттық ~Көрсеткіштік}\n`;
    await importForm.getByLabel(msg('File', lang), { exact: true }).setInputFiles({ name: 'picture.gift', mimeType: 'text/plain', buffer: Buffer.from(gift) });
    await importForm.getByRole('button', { name: msg('ImportQuestions', lang) }).click();
    await page.getByTestId('import-ok').waitFor();
    await page.getByTestId('open-bank').click();
    await page.waitForURL(/\/exams\/bank/);
    await hydrated(page);
    const row = page.getByTestId('bank-question').filter({ hasText: stem });
    // A file that is not a picture is refused at its row, in the page's language.
    await row.locator('input[type=file]').setInputFiles({ name: 'graph.png', mimeType: 'image/png', buffer: Buffer.from('<svg onload="alert(1)"/>') });
    await row.getByRole('button', { name: msg('Upload', lang) }).click();
    await row.getByTestId('picture-error').filter({ hasText: msg('ErrNotAnImage', lang) }).waitFor();
    await row.locator('input[type=file]').setInputFiles({ name: 'graph.png', mimeType: 'image/png', buffer: png(480, 320) });
    await row.getByRole('button', { name: msg('Upload', lang) }).click();
    const thumb = row.getByTestId('bank-picture');
    await thumb.waitFor();
    await page.waitForFunction((el) => el.complete && el.naturalWidth === 480, await thumb.elementHandle());
    assert.equal(await row.getByTestId('picture-error').count(), 0);
    await screenshot(page, 'question-bank-kk');
    await newExam(page, lang, title, 'test', async (f) => {
      await f.getByLabel(msg('DurationMinutes', lang), { exact: true }).fill('30');
      await f.getByLabel(msg('ExamDraw', lang), { exact: true }).fill(`${topic}: 1`);
      await f.getByLabel(msg('Proctored', lang), { exact: true }).uncheck();
    });
    await close(teacher);
  }

  const student = await as('student2', lang, { viewport: PHONE });
  const { page } = student;
  await visit(page, '/exams');
  await page.getByTestId('my-exams').locator('tr', { hasText: title }).getByTestId('start-exam').click();
  await page.waitForURL(/\/exams\/\d+\/sit$/);
  await page.getByTestId('begin-exam').click();
  await page.waitForURL(/\/exams\/attempt\/\d+$/);
  const question = page.getByTestId('question').filter({ hasText: stem });
  const picture = question.getByTestId('question-picture');
  await picture.waitFor();
  // Loaded (the attempt's address lets the candidate read it) and scaled to the phone.
  await page.waitForFunction((el) => el.complete && el.naturalWidth === 480, await picture.elementHandle());
  const box = await picture.boundingBox();
  assert.ok(box.width <= PHONE.width, `the picture fits the phone: ${box.width}`);
  assert.ok((await scrollWidth(page)) <= PHONE.width, 'no sideways scroll on a phone');
  await screenshot(page, 'question-picture-kk-phone');
  await close(student);
});

/** A zip of stored (uncompressed) entries: enough for a small .xlsx. */
function zip(files) {
  const u16 = (n) => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return b; };
  const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b; };
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const crc = zlib.crc32(data);
    const common = [u16(20), u16(0x0800), u16(0), u16(0), u16(0x21), u32(crc), u32(data.length), u32(data.length), u16(nameBytes.length), u16(0)];
    const local = Buffer.concat([u32(0x04034b50), ...common, nameBytes, data]);
    central.push(Buffer.concat([u32(0x02014b50), u16(20), ...common, u16(0), u16(0), u16(0), u32(0), u32(offset), nameBytes]));
    locals.push(local);
    offset += local.length;
  }
  const dir = Buffer.concat(central);
  const n = central.length;
  return Buffer.concat([...locals, dir, u32(0x06054b50), u16(0), u16(0), u16(n), u16(n), u32(dir.length), u32(offset), u16(0)]);
}

/** A one-sheet workbook of the bank's template layout: rows of cells (strings). */
function xlsx(rows) {
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const col = (i) => String.fromCharCode(65 + i);
  const sheet = rows.map((cells, r) => `<row r="${r + 1}">${cells.map((v, c) => v === '' ? '' : `<c r="${col(c)}${r + 1}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`).join('')}</row>`).join('');
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  return zip({
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${rel}"><sheets><sheet name="Questions" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    'xl/worksheets/sheet1.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheet}</sheetData></worksheet>`,
  });
}

test('ordering and matching questions are answered through opaque ids and score in full', async () => {
  const lang = 'en';
  // Kazakh names: the i18n test reads every page of the shared database for stray English.
  const topic = `Рет ${uniq()}`;
  const title = `Реттеу және сәйкестендіру ${uniq()}`;
  const orderStem = `Put the normal forms in order ${uniq()}`;
  const matchStem = `Match the term with its meaning ${uniq()}`;
  const items = ['Бірінші қалыпты пішін', 'Екінші қалыпты пішін', 'Үшінші қалыпты пішін', 'Бойс-Кодд қалыпты пішіні'];
  const pairs = [['Бастапқы кілт', 'Жолды анықтайды'], ['Сыртқы кілт', 'Басқа кестеге сілтейді'], ['Индекс', 'Іздеуді жылдамдатады']];
  const teacher = await as('teacher', lang);
  {
    const { page } = teacher;
    await visit(page, '/exams');
    const importForm = page.getByTestId('import-form');
    await importForm.getByLabel(msg('Subject', lang), { exact: true }).selectOption({ label: 'Деректер қоры' });
    // Options D..K, correct answer L (empty for these kinds), points M.
    const pad = (cells) => [...cells, ...Array(11 - cells.length).fill('')];
    const book = xlsx([
      [...pad([topic, 'ordering', orderStem, ...items]), '', '2'],
      [...pad([topic, 'matching', matchStem, ...pairs.map(([l, r]) => `${l} => ${r}`), '=> Deletes a row']), '', '3'],
    ]);
    await importForm.getByLabel(msg('File', lang), { exact: true }).setInputFiles({ name: 'order.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: book });
    await importForm.getByRole('button', { name: msg('ImportQuestions', lang) }).click();
    await page.getByTestId('import-ok').waitFor();
    await newExam(page, lang, title, 'test', async (f) => {
      await f.getByLabel(msg('DurationMinutes', lang), { exact: true }).fill('30');
      await f.getByLabel(msg('ExamDraw', lang), { exact: true }).fill(`${topic}: 2`);
      await f.getByLabel(msg('Proctored', lang), { exact: true }).uncheck();
    });
    await close(teacher);
  }

  const student = await as('student3', lang);
  const { page } = student;
  await visit(page, '/exams');
  await page.getByTestId('my-exams').locator('tr', { hasText: title }).getByTestId('start-exam').click();
  await page.waitForURL(/\/exams\/\d+\/sit$/);
  await page.getByTestId('begin-exam').click();
  await page.waitForURL(/\/exams\/attempt\/\d+$/);
  await hydrated(page);
  const ordering = page.getByTestId('question').filter({ hasText: orderStem });
  const matching = page.getByTestId('question').filter({ hasText: matchStem });
  // The item's own text (the move buttons hold arrows in spans of their own).
  const shownOrder = () => ordering.locator('ol.ordering li > span').allInnerTexts();
  // The paper does not come in the right order, and names nothing by its place in the bank.
  assert.notDeepEqual(await shownOrder(), items, 'the items are shuffled');
  const values = await matching.locator('select option').evaluateAll((os) => os.map((o) => o.value).filter((v) => v !== ''));
  assert.equal(values.length, 4 * pairs.length);
  for (const v of values) assert.match(v, /^[0-9a-f]{16}$/, `an opaque id, not an index: ${v}`);
  // Put the items in order with the arrows: each item in turn moves up to its place.
  for (let target = 0; target < items.length; target++) {
    let at = (await shownOrder()).indexOf(items[target]);
    for (; at > target; at--) {
      await ordering.locator('ol.ordering li').nth(at).getByRole('button', { name: `${msg('MoveUp', lang)}: ${items[target]}` }).click();
    }
  }
  assert.deepEqual(await shownOrder(), items);
  const rows = matching.locator('.match-row');
  for (let i = 0; i < pairs.length; i++) {
    const row = rows.filter({ hasText: pairs[i][0] });
    await row.locator('select').selectOption({ label: pairs[i][1] });
  }
  await page.getByTestId('answers-status').filter({ hasText: msg('AllAnswersSaved', lang) }).waitFor();
  await ordering.getByTestId('save-state').filter({ hasText: msg('Saved', lang) }).waitFor();
  await matching.getByTestId('save-state').filter({ hasText: msg('Saved', lang) }).waitFor();
  // A reload shows the same paper with the answers given.
  await page.reload();
  await hydrated(page);
  assert.deepEqual(await shownOrder(), items);
  for (const [left, right] of pairs) {
    const select = matching.locator('.match-row').filter({ hasText: left }).locator('select');
    assert.equal(await select.evaluate((s) => s.options[s.selectedIndex].textContent), right);
  }
  await page.getByTestId('submit-exam').click();
  await page.getByTestId('attempt-submitted').waitFor();
  assert.equal((await page.getByTestId('attempt-score').innerText()).trim(), '5 / 5');
  await close(student);
});
