// Issue 19: a teacher brings a bank from Moodle (Moodle XML, one question of each kind both
// systems have), downloads it back as Moodle XML, and a candidate sits an exam drawn from it
// with the keyboard alone. The bank page and the attempt page are checked with axe-core in the
// three languages: no serious or critical violations.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launch, open, close, visit, hydrated, signIn, setLang, msg, uniq, screenshot, DEMO_PASSWORD, LANGS, ROOT } from './lib.mjs';

// axe-core ships with the test's npm packages; it is evaluated in the page (not added as a
// script tag, which the page's Content-Security-Policy would refuse).
const AXE = readFileSync(path.join(ROOT, 'end2end/node_modules/axe-core/axe.min.js'), 'utf8');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function as(login, lang) {
  const ctx = await open(browser, { lang });
  await signIn(ctx.page, lang, login, DEMO_PASSWORD);
  await setLang(ctx.context, lang);
  return ctx;
}

/** Runs axe-core on the page; fails with the serious and critical violations found. */
async function noSeriousViolations(page, where) {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}`));
  assert.deepEqual(violations, [], `${where}: axe-core found`);
}

/** The page again in each language, checked each time. */
async function inEveryLanguage(ctx, where) {
  for (const lang of LANGS) {
    await setLang(ctx.context, lang);
    await ctx.page.reload();
    await hydrated(ctx.page);
    await noSeriousViolations(ctx.page, `${where} (${lang})`);
  }
}

function kzInput(minutes) {
  return new Date(Date.now() + 5 * 3_600_000 + minutes * 60_000).toISOString().slice(0, 16);
}

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A Moodle XML bank of one topic: what Moodle's export writes, trimmed. */
function moodleXml(topic, stems) {
  const q = (type, stem, body) => `  <question type="${type}">
    <name><text>${esc(stem.slice(0, 20))}</text></name>
    <questiontext format="html"><text><![CDATA[<p>${stem}</p>]]></text></questiontext>
    <defaultgrade>1.0000000</defaultgrade>
${body}
  </question>`;
  const answer = (fraction, text) => `    <answer fraction="${fraction}" format="html"><text>${esc(text)}</text></answer>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/${esc(topic)}</text></category></question>
${q('multichoice', stems.single, `    <single>true</single>\n${answer(100, 'Кесте')}\n${answer(0, 'Файл')}\n${answer(0, 'Бума')}`)}
${q('multichoice', stems.multiple, `    <single>false</single>\n${answer(50, 'Таңдау')}\n${answer(50, 'Қосу')}\n${answer(-100, 'Кесте')}`)}
${q('truefalse', stems.truth, `${answer(100, 'true')}\n${answer(0, 'false')}`)}
${q('shortanswer', stems.short, `    <usecase>0</usecase>\n${answer(100, 'SQL')}`)}
${q('numerical', stems.numeric, `    <answer fraction="100"><text>3</text><tolerance>0</tolerance></answer>`)}
${q('matching', stems.matching, `    <subquestion format="html"><text>Бастапқы кілт</text><answer><text>Жолды анықтайды</text></answer></subquestion>
    <subquestion format="html"><text>Сыртқы кілт</text><answer><text>Басқа кестеге сілтейді</text></answer></subquestion>`)}
${q('ordering', stems.ordering, `${answer(1, 'Бірінші')}\n${answer(2, 'Екінші')}\n${answer(3, 'Үшінші')}`)}
${q('essay', stems.essay, '    <responseformat>editor</responseformat>')}
</quiz>
`;
}

test('a Moodle bank comes in and goes out as Moodle XML, and its exam is sat with the keyboard alone', async () => {
  const lang = 'en';
  const id = uniq();
  const topic = `Қолжетімділік ${id}`;
  const title = `Пернетақта ${id}`;
  const stems = {
    single: `Дерек қайда сақталады? ${id}`,
    multiple: `SQL командалары? ${id}`,
    truth: `SQL сұраныс тілі ${id}`,
    short: `Сұраныс тілінің аты ${id}`,
    numeric: `Қалыпты пішіндер саны ${id}`,
    matching: `Кілттерді сәйкестендіріңіз ${id}`,
    ordering: `Ретке келтіріңіз ${id}`,
    essay: `Индекс туралы жазыңыз ${id}`,
  };
  const teacher = await as('teacher', lang);
  {
    const { page } = teacher;
    await visit(page, '/exams');
    const importForm = page.getByTestId('import-form');
    await importForm.getByLabel(msg('Subject', lang), { exact: true }).selectOption({ label: 'Деректер қоры' });
    await importForm.getByLabel(msg('File', lang), { exact: true }).setInputFiles({ name: 'moodle.xml', mimeType: 'text/xml', buffer: Buffer.from(moodleXml(topic, stems)) });
    await importForm.getByRole('button', { name: msg('ImportQuestions', lang) }).click();
    assert.equal((await page.getByTestId('import-ok').innerText()).trim(), `${msg('QuestionsImported', lang)}: 8`);

    await page.getByTestId('open-bank').click();
    await page.waitForURL(/\/exams\/bank/);
    await hydrated(page);
    for (const stem of Object.values(stems)) await page.getByTestId('bank-question').filter({ hasText: stem }).waitFor();
    await inEveryLanguage(teacher, 'the question bank');
    // The bank goes back out as Moodle XML, keys included.
    const href = await page.getByTestId('bank-export').getAttribute('href');
    const r = await page.request.get(href);
    assert.equal(r.status(), 200);
    const xml = await r.text();
    for (const stem of Object.values(stems)) assert.ok(xml.includes(esc(stem)), `${stem} in the export`);
    for (const type of ['multichoice', 'shortanswer', 'numerical', 'matching', 'ordering', 'essay']) assert.ok(xml.includes(`type="${type}"`), type);
    assert.ok(xml.includes('<answer fraction="-100" format="plain_text"><text>Кесте</text>'), 'weights go out as fractions');

    await setLang(teacher.context, lang);
    await visit(page, '/exams');
    const f = page.getByTestId('exam-form');
    const journal = f.getByLabel(msg('Journal', lang), { exact: true });
    const value = await journal.evaluate((el) => [...el.options].find((o) => o.textContent.includes('Деректер қоры'))?.value);
    await journal.selectOption(value);
    await f.getByLabel(msg('Title', lang), { exact: true }).fill(title);
    await f.getByTestId('exam-form-kind').selectOption('test');
    await f.getByLabel(msg('ExamOpens', lang), { exact: true }).fill(kzInput(-60));
    await f.getByLabel(msg('ExamCloses', lang), { exact: true }).fill(kzInput(180));
    await f.getByLabel(msg('DurationMinutes', lang), { exact: true }).fill('30');
    await f.getByLabel(msg('ExamDraw', lang), { exact: true }).fill(`${topic}: 8`);
    await f.getByLabel(msg('Proctored', lang), { exact: true }).uncheck();
    await f.getByRole('button', { name: msg('NewExam', lang) }).click();
    await page.getByTestId('teaching-exams').getByText(title).waitFor();
    await close(teacher);
  }

  const student = await as('student1', lang);
  const { page } = student;
  await visit(page, '/exams');
  await page.getByTestId('my-exams').locator('tr', { hasText: title }).getByTestId('start-exam').click();
  await page.waitForURL(/\/exams\/\d+\/sit$/);
  await hydrated(page);
  await page.getByTestId('begin-exam').focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/exams\/attempt\/\d+$/);
  await hydrated(page);
  await page.getByTestId('question').first().waitFor();
  await inEveryLanguage(student, 'the attempt');
  assert.equal(await page.getByTestId('timer').getAttribute('role'), 'timer');
  assert.equal(await page.getByTestId('timer-warning').getAttribute('aria-live'), 'assertive');

  // Every answer control has a name a screen reader reads: the stem, or the item it belongs to.
  const nameless = await page.locator('.paper input, .paper select, .paper textarea, .paper button').evaluateAll((els) =>
    els.filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'))).map((el) => el.outerHTML.slice(0, 80)));
  assert.deepEqual(nameless, []);

  // With the keyboard alone: Tab reaches the questions in the paper's order, Space ticks the
  // right option, typing answers, and Enter on the hand-in button hands in.
  const single = page.getByTestId('question').filter({ hasText: stems.single });
  const short = page.getByTestId('question').filter({ hasText: stems.short });
  const order = [];
  const singleId = Number(await single.getAttribute('data-question'));
  const shortId = Number(await short.getAttribute('data-question'));
  const focused = () => page.evaluate(() => {
    const el = document.activeElement;
    const q = el?.closest('[data-testid=question]');
    return { question: q ? Number(q.dataset.question) : null, label: el?.closest('label')?.textContent?.trim() ?? '', submit: el?.dataset?.testid === 'submit-exam', tag: el?.tagName };
  });
  await page.evaluate(() => document.activeElement?.blur());
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    let at = await focused();
    if (at.question !== null && order.at(-1) !== at.question) order.push(at.question);
    if (at.question === singleId) {
      // A radio group is one Tab stop; the arrows choose within it, Space ticks.
      for (let k = 0; k < 3 && at.label !== 'Кесте'; k++) {
        await page.keyboard.press('ArrowDown');
        at = await focused();
      }
      await page.keyboard.press('Space');
    }
    if (at.question === shortId && at.tag === 'INPUT') await page.keyboard.type('sql');
    if (at.submit) break;
  }
  assert.equal(await single.getByLabel('Кесте').isChecked(), true, 'the right option ticked with the keyboard');
  const shown = await page.getByTestId('question').evaluateAll((qs) => qs.map((q) => Number(q.dataset.question)));
  // Radio buttons of one group are one Tab stop; every question is reached, in order.
  assert.deepEqual(order, shown, 'Tab visits the questions in the order they are shown');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset?.testid), 'submit-exam', 'the hand-in button comes after the questions');
  await page.getByTestId('answers-status').filter({ hasText: msg('AllAnswersSaved', lang) }).waitFor();
  await screenshot(page, 'attempt-keyboard-en');
  await page.keyboard.press('Enter');
  await page.getByTestId('attempt-submitted').waitFor();
  // The two answered by keyboard score; the essay waits for the teacher.
  assert.match((await page.getByTestId('attempt-score').innerText()).trim(), /^2 \/ 8$/);
  await close(student);
});
