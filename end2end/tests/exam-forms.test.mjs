// The exam forms besides the test, in the browser: a ticket exam (the student draws a ticket,
// writes the answer, attaches a file, a wrong file is refused; the teacher grades it with a
// comment the student then reads) and an offline exam whose marks the teacher types into a sheet.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, close, visit, hydrated, signIn, setLang, msg, uniq, screenshot, scrollWidth, DEMO_PASSWORD, PHONE } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function as(login, lang, options = {}) {
  const ctx = await open(browser, { lang, ...options });
  await signIn(ctx.page, lang, login, DEMO_PASSWORD);
  await setLang(ctx.context, lang);
  return ctx;
}

/** A datetime-local value in Kazakhstan time (UTC+5), `minutes` from now. */
function kzInput(minutes) {
  return new Date(Date.now() + 5 * 3_600_000 + minutes * 60_000).toISOString().slice(0, 16);
}

/** Fills the new-exam form for the demo journal with `form` ("ticket", "offline"). */
async function newExam(page, lang, title, form, fill) {
  await visit(page, '/exams');
  const f = page.getByTestId('exam-form');
  const journal = f.getByLabel(msg('Journal', lang), { exact: true });
  const value = await journal.evaluate((el) => [...el.options].find((o) => o.textContent.includes('Деректер қоры'))?.value);
  assert.ok(value, 'the demo journal is offered');
  await journal.selectOption(value);
  await f.getByLabel(msg('Title', lang), { exact: true }).fill(title);
  await f.getByTestId('exam-form-kind').selectOption(form);
  await f.getByLabel(msg('ExamOpens', lang), { exact: true }).fill(kzInput(-60));
  await f.getByLabel(msg('ExamCloses', lang), { exact: true }).fill(kzInput(180));
  await fill(f);
  await f.getByRole('button', { name: msg('NewExam', lang) }).click();
  await page.getByTestId('teaching-exams').getByText(title).waitFor();
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
