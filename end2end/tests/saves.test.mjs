// Saves that never lie: marks typed in the journal grid and answers typed in an exam while the
// server is stopped (then started again) or frozen (SIGSTOP, then SIGCONT) are kept, the bars
// say how many changes wait and never "All changes saved" meanwhile, and once the server is back
// every change lands once, the last value typed per cell or question, in the order typed.
//
// These tests stop and freeze a server, so they run one of their own (`ownServer`: the same
// build, a fresh database with the demo data, a free port), never the shared one.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { launch, open, close, visit, hydrated, signIn, setLang, msg, uniq, screenshot, ownServer, DEMO_PASSWORD } from './lib.mjs';

let browser;
let server;
before(async () => {
  browser = await launch();
  server = await ownServer();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function as(login, lang) {
  const ctx = await open(browser, { lang, base: server.base });
  await signIn(ctx.page, lang, login, DEMO_PASSWORD);
  await setLang(ctx.context, lang);
  return ctx;
}

/** The browser's own reports of requests that found no server: expected here, nothing else is. */
function withoutRefusedConnections(ctx) {
  const expected = /net::ERR_(CONNECTION_REFUSED|CONNECTION_RESET|CONNECTION_CLOSED|EMPTY_RESPONSE)/;
  const left = ctx.problems.filter((p) => !expected.test(p));
  ctx.problems.splice(0, ctx.problems.length, ...left);
  return ctx;
}

/** A datetime-local value in Kazakhstan time (UTC+5), `minutes` from now. */
function kzInput(minutes) {
  return new Date(Date.now() + 5 * 3_600_000 + minutes * 60_000).toISOString().slice(0, 16);
}

// The exam both scenarios sit: three short-answer questions, unproctored, open for hours.
const examTitle = `Сақтау ${uniq()}`;
let journalUrl;
let journalId;

test('setup: the demo journal and an exam of three short answers', async () => {
  const lang = 'ru';
  const topic = `Сақтау ${uniq()}`;
  const teacher = await as('teacher', lang);
  const { page } = teacher;
  await visit(page, '/journals');
  await page.getByRole('link', { name: /Деректер қоры/ }).first().click();
  await page.getByTestId('grid').waitFor();
  journalUrl = new URL(page.url()).pathname;
  journalId = Number(journalUrl.match(/\/journals\/(\d+)/)[1]);

  await visit(page, '/exams');
  const importForm = page.getByTestId('import-form');
  await importForm.getByLabel(msg('Subject', lang), { exact: true }).selectOption({ label: 'Деректер қоры' });
  const gift = `$CATEGORY: ${topic}\n\nПервый вопрос? {=один}\n\nВторой вопрос? {=два}\n\nТретий вопрос? {=три}\n`;
  await importForm.getByLabel(msg('File', lang), { exact: true }).setInputFiles({ name: 'saves.gift', mimeType: 'text/plain', buffer: Buffer.from(gift) });
  await importForm.getByRole('button', { name: msg('ImportQuestions', lang) }).click();
  await page.getByTestId('import-ok').waitFor();

  await visit(page, '/exams');
  const f = page.getByTestId('exam-form');
  const journal = f.getByLabel(msg('Journal', lang), { exact: true });
  const value = await journal.evaluate((el) => [...el.options].find((o) => o.textContent.includes('Деректер қоры'))?.value);
  assert.ok(value, 'the demo journal is offered');
  await journal.selectOption(value);
  await f.getByLabel(msg('Title', lang), { exact: true }).fill(examTitle);
  await f.getByTestId('exam-form-kind').selectOption('test');
  await f.getByLabel(msg('ExamOpens', lang), { exact: true }).fill(kzInput(-60));
  await f.getByLabel(msg('ExamCloses', lang), { exact: true }).fill(kzInput(240));
  await f.getByLabel(msg('DurationMinutes', lang), { exact: true }).fill('120');
  await f.getByLabel(msg('ExamDraw', lang), { exact: true }).fill(`${topic}: 3`);
  await f.getByLabel(msg('Proctored', lang), { exact: true }).uncheck();
  await f.getByRole('button', { name: msg('NewExam', lang) }).click();
  await page.getByTestId('teaching-exams').getByText(examTitle).waitFor();
  await close(teacher);
});

/**
 * Opens the grid and picks `n` empty cells in different rows and different lessons (empty, so
 * saving them asks no reason whatever the date), from the latest lessons backwards.
 */
async function emptyCells(page, n) {
  const ids = await page.evaluate((n) => {
    const rows = new Set();
    const cols = new Set();
    const picked = [];
    const inputs = [...document.querySelectorAll('table.marks input')].filter((i) => i.value === '');
    inputs.sort((a, b) => Number(b.dataset.c) - Number(a.dataset.c) || Number(a.dataset.r) - Number(b.dataset.r));
    for (const i of inputs) {
      if (rows.has(i.dataset.r) || cols.has(i.dataset.c)) continue;
      rows.add(i.dataset.r);
      cols.add(i.dataset.c);
      picked.push(i.id);
      if (picked.length === n) break;
    }
    return picked;
  }, n);
  assert.equal(ids.length, n, 'enough empty cells in the demo journal');
  return ids;
}

/** Types `text` into the grid cell `id` and leaves it with Enter (which saves it). */
async function typeCell(page, id, text) {
  await page.locator(`#${id}`).click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** Starts the exam as the signed-in student; returns the attempt id and the question ids. */
async function sit(page) {
  await visit(page, '/exams');
  await page.getByTestId('my-exams').locator('tr', { hasText: examTitle }).getByTestId('start-exam').click();
  await page.waitForURL(/\/exams\/\d+\/sit$/);
  await page.getByTestId('begin-exam').click();
  await page.waitForURL(/\/exams\/attempt\/\d+$/);
  await hydrated(page);
  await page.getByTestId('question').nth(2).waitFor();
  const attempt = Number(new URL(page.url()).pathname.match(/(\d+)$/)[1]);
  const questions = await page.getByTestId('question').evaluateAll((els) => els.map((e) => Number(e.dataset.question)));
  assert.equal(questions.length, 3);
  return { attempt, questions };
}

async function answer(page, index, text) {
  const input = page.getByTestId('question').nth(index).locator('input.answer');
  await input.fill(text);
  await input.press('Tab');
}

/**
 * Watches both bars for `seconds` while the server cannot answer: they must keep counting
 * `waiting` changes and never claim everything is saved. Returns what they showed.
 */
async function watchBars(grid, exam, lang, waiting, seconds) {
  const allSaved = msg('AllSaved', lang);
  const allAnswers = msg('AllAnswersSaved', lang);
  const seen = new Set();
  for (let i = 0; i < seconds * 2; i++) {
    const g = await grid.getByTestId('savebar').innerText();
    const e = await exam.getByTestId('answers-status').innerText();
    seen.add(g).add(e);
    assert.notEqual(g.trim(), allSaved, 'the grid claims all changes saved while the server cannot have them');
    assert.notEqual(e.trim(), allAnswers, 'the exam claims all answers saved while the server cannot have them');
    assert.equal(await grid.getByTestId('savebar').getAttribute('data-waiting'), String(waiting));
    assert.equal(await exam.getByTestId('answers-status').getAttribute('data-waiting'), String(waiting));
    assert.equal(await grid.locator('table.marks td.saved').count(), 0, 'a cell shows saved while the server cannot have it');
    await sleep(500);
  }
  return seen;
}

/** The history lines of the journal written after line `after` (rowid), oldest first. */
function historySince(after) {
  return server.query(`SELECT rowid AS id, old_value, new_value FROM mark_history WHERE journal_id = ${journalId} AND rowid > ${after} ORDER BY rowid`);
}

function lastHistoryRow() {
  return server.query('SELECT COALESCE(MAX(rowid), 0) AS id FROM mark_history')[0].id;
}

/** The attempt's stored answers by question id: { text, savedAt }. */
function storedAnswers(attempt) {
  const rows = server.query(`SELECT question_id, answer, saved_at FROM exam_answers WHERE attempt_id = ${attempt}`);
  return new Map(rows.map((r) => [r.question_id, { text: r.answer, savedAt: r.saved_at }]));
}

/**
 * One scenario: the teacher's grid and a student's exam are open; the server goes away
 * (`down`), three cells and three answers are typed and one of each typed again; for 20 s the
 * bars count three waiting changes each; the server comes back (`up`); everything lands once,
 * the last value typed, in order; a reload shows it.
 */
async function scenario({ lang, student, down, up, waitingText, name, retype }) {
  const teacher = await as('teacher', lang);
  const pupil = await as(student, lang);
  const grid = teacher.page;
  const exam = pupil.page;
  await visit(grid, journalUrl);
  const [a, b, c] = await emptyCells(grid, 3);
  const { attempt, questions } = await sit(exam);
  await grid.getByTestId('savebar').filter({ hasText: msg('AllSaved', lang) }).waitFor();
  const before = lastHistoryRow();

  await down();
  // Marks: A=5, B=4, C=absent, then one of them again (the last value typed is the one that lands).
  await typeCell(grid, a, '5');
  await typeCell(grid, b, '4');
  await typeCell(grid, c, 'н');
  await typeCell(grid, [a, b, c][retype.cell], retype.value);
  // Answers: Q1, Q2, Q3, then Q2 again.
  await answer(exam, 0, 'альфа');
  await answer(exam, 1, 'бета');
  await answer(exam, 2, 'гамма');
  await answer(exam, 1, 'дельта');
  await grid.locator('[data-testid=savebar][data-waiting="3"]').waitFor();
  await exam.locator('[data-testid=answers-status][data-waiting="3"]').waitFor();
  const seen = await watchBars(grid, exam, lang, 3, 20);
  assert.ok([...seen].some((t) => t.includes(waitingText.grid)), `the grid bar said how many wait: ${[...seen].join(' | ')}`);
  assert.ok([...seen].some((t) => t.includes(waitingText.exam)), `the exam bar said how many wait: ${[...seen].join(' | ')}`);
  await screenshot(grid, `saves-${name}-grid-waiting-${lang}`);
  await screenshot(exam, `saves-${name}-exam-waiting-${lang}`);

  await up();
  // Back: both bars settle without any action (the queues retry on their own).
  await grid.getByTestId('savebar').filter({ hasText: msg('AllSaved', lang) }).waitFor({ timeout: 90_000 });
  await exam.getByTestId('answers-status').filter({ hasText: msg('AllAnswersSaved', lang) }).waitFor({ timeout: 90_000 });
  assert.equal(await grid.locator('table.marks td.saving, table.marks td.retrying, table.marks td.refused').count(), 0);
  for (const id of [a, b, c]) assert.equal(await grid.locator(`td.saved:has(#${id})`).count(), 1, `${id} shows saved`);
  const states = await exam.getByTestId('save-state').allInnerTexts();
  assert.deepEqual(states.map((s) => s.trim()), [msg('Saved', lang), msg('Saved', lang), msg('Saved', lang)]);

  return { grid, exam, a, b, c, attempt, questions, before, teacher, pupil };
}

async function verify({ lang, r, gridExpected, historyExpected }) {
  const { grid, exam, attempt, questions, before } = r;
  // Each change once, the last value typed, in the order typed.
  const history = historySince(before).map((h) => [h.old_value, h.new_value]);
  assert.deepEqual(history, historyExpected);
  const stored = storedAnswers(attempt);
  assert.equal(stored.size, 3);
  const [q1, q2, q3] = questions;
  assert.match(stored.get(q1).text, /альфа/);
  assert.match(stored.get(q2).text, /дельта/);
  assert.doesNotMatch(stored.get(q2).text, /бета/);
  assert.match(stored.get(q3).text, /гамма/);
  assert.ok(stored.get(q1).savedAt <= stored.get(q3).savedAt && stored.get(q3).savedAt <= stored.get(q2).savedAt, 'answers landed in the order typed');

  // What a reload shows.
  await visit(grid, journalUrl);
  for (const [id, text] of gridExpected) assert.equal(await grid.locator(`#${id}`).inputValue(), text, id);
  await exam.reload();
  await hydrated(exam);
  const inputs = exam.getByTestId('question').locator('input.answer');
  assert.deepEqual(await inputs.evaluateAll((els) => els.map((e) => e.value)), ['альфа', 'дельта', 'гамма']);
  await close(withoutRefusedConnections(r.teacher));
  await close(withoutRefusedConnections(r.pupil));
  void lang;
}

test('server stopped for 20 s, then started: typed marks and answers wait, then all land once, the last typed, in order', async () => {
  const lang = 'ru';
  const r = await scenario({
    lang,
    student: 'student1',
    name: 'stopped',
    down: () => server.stop(),
    up: () => server.start(),
    waitingText: { grid: msg('SaveRetrying', lang).replace('{n}', '3'), exam: `${msg('AnswersNotSavedRetrying', lang)} (3)` },
    // A typed again while its first value is being retried.
    retype: { cell: 0, value: '3' },
  });
  // A=5 never reached the server: only A=3 lands, after B and C (typed after A=5, before A=3).
  await verify({
    lang,
    r,
    gridExpected: [[r.a, '3'], [r.b, '4'], [r.c, 'н']],
    historyExpected: [['', '4'], ['', 'n'], ['', '3']],
  });
});

test('server frozen for 20 s, then resumed: nothing is lost or shown saved early, all land once in order', async () => {
  const lang = 'kk';
  const r = await scenario({
    lang,
    student: 'student3',
    name: 'frozen',
    down: async () => server.freeze(),
    up: async () => server.resume(),
    // The first change of each page is on the wire, unanswered: "saving 3", not an error.
    waitingText: { grid: msg('SavingN', lang).replace('{n}', '3'), exam: `${msg('SavingAnswers', lang)} 3` },
    // B typed again while A is on the wire, unanswered, and B=4 waits behind it. (Not A: a
    // second value of a cell that already holds one may ask for a reason on a past lesson.)
    retype: { cell: 1, value: '2' },
  });
  // A=5 was on the wire when the server froze: it lands, then C; B=2, typed last, lands last;
  // B=4 never does.
  await verify({
    lang,
    r,
    gridExpected: [[r.a, '5'], [r.b, '2'], [r.c, 'н']],
    historyExpected: [['', '5'], ['', 'n'], ['', '2']],
  });
});
