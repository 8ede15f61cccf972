// Issue 19's follow-ups in the browser: a teacher corrects a key after the papers were handed
// in and regrades them (the student's score and the journal's mark change, and the journal's
// history gives the reason in the reader's language); and extra time given while a candidate
// sits, by a proctor of the group from the attempt's timeline and by the exam's teacher from
// the results, reaches the candidate's countdown without a reload and is said to them.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, close, visit, hydrated, msg, uniq, screenshot, scrollWidth, setLang, latinLeaks, hiddenAndBack,
  signedIn, importGift, createExam, startExam, PHONE,
} from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const as = (login, lang, options = {}) => signedIn(browser, login, lang, options);

/** The exam's results page, from the teacher's list of exams. */
async function openResults(page, lang, title) {
  await visit(page, '/exams');
  await page.getByTestId('teaching-exams').locator('tr', { hasText: title }).getByRole('link', { name: msg('Results', lang) }).click();
  await page.waitForURL(/\/exams\/\d+\/results$/);
  await hydrated(page);
}

test('a key corrected after hand-in: the regrade changes the score, the journal mark and its history', async () => {
  const lang = 'ru';
  const id = uniq();
  const topic = `Қайта бағалау ${id}`;
  const title = `Кілт түзетілді ${id}`;
  const capital = `Қазақстанның астанасы қай қала? ${id}`;
  const table = `Кесте нені сақтайды? ${id}`;
  const top = ['5', '100'];

  // The teacher's key for the capital is wrong (Алматы) when the exam is sat.
  const teacher = await as('teacher', lang);
  await importGift(teacher.page, lang, `$CATEGORY: ${topic}\n\n${capital}{=Алматы}\n\n${table}{=Жолдарды ~Суреттерді ~Әндерді}\n`);
  const { journalId } = await createExam(teacher.page, lang, {
    title, duration: 30, draw: `${topic}: 2`, proctored: false,
    // The last lesson of the semester: no other test puts a mark there.
    lesson: (texts) => texts.at(-1),
  });

  // Аружан (student2) answers both right: the capital is scored wrong against the old key.
  const student = await as('student2', 'kk');
  {
    const { page } = student;
    await startExam(page, title);
    const answer = page.getByTestId('question').filter({ hasText: capital }).locator('input');
    await answer.fill('Астана');
    await answer.press('Tab');
    await page.getByTestId('question').filter({ hasText: table }).getByLabel('Жолдарды', { exact: true }).check();
    await page.getByTestId('answers-status').filter({ hasText: msg('AllAnswersSaved', 'kk') }).waitFor();
    await page.getByTestId('submit-exam').click();
    await page.getByTestId('attempt-submitted').waitFor();
    assert.equal((await page.getByTestId('attempt-score').innerText()).trim(), '1 / 2');
  }
  const attemptUrl = student.page.url();

  const { page } = teacher;
  // The mark the hand-in put in the journal.
  const historyRow = (reason) => page.getByTestId('history').locator('tbody tr', { hasText: reason });
  await visit(page, `/journals/${journalId}/history`);
  const handedIn = await historyRow(msg('ExamMarkReason', lang).replace('{title}', title)).first().locator('td').allInnerTexts();
  const before = handedIn[4];
  assert.ok(!top.includes(before), `half the points is not the top mark: ${before}`);

  // The key is corrected in the editor: version 2 of the question.
  await visit(page, `/exams/bank?subject=${encodeURIComponent('Деректер қоры')}`);
  const row = page.getByTestId('bank-question').filter({ hasText: capital });
  await row.getByTestId('bank-edit').click();
  const editor = page.getByTestId('question-editor');
  await editor.waitFor();
  await editor.getByLabel(`${msg('AcceptedAnswers', lang)} 1`, { exact: true }).fill('Астана');
  await editor.getByTestId('editor-save').click();
  await page.getByTestId('question-saved').waitFor();
  await row.getByTestId('bank-version').filter({ hasText: '2' }).waitFor();

  // The results page offers the regrade, previews it, and applies it.
  await openResults(page, lang, title);
  const panel = page.getByTestId('regrade');
  await panel.getByTestId('regrade-question').filter({ hasText: capital }).waitFor();
  const preview = panel.getByTestId('regrade-row').filter({ hasText: 'Аружан' });
  assert.equal((await preview.getByTestId('regrade-score').innerText()).trim(), '1 / 2 → 2 / 2');
  assert.match(await preview.getByTestId('regrade-grade').innerText(), /→\s*(5|100)$/);
  await screenshot(page, 'regrade-preview-ru');
  await panel.getByTestId('regrade-apply').click();
  await page.getByTestId('regrade-done').waitFor();
  await page.reload();
  await hydrated(page);
  const result = page.getByTestId('result-row').filter({ hasText: 'Аружан' });
  assert.match(await result.innerText(), /2 \/ 2/);

  // The journal's history: the regrade's line, its reason in the reader's language.
  for (const reader of ['ru', 'en', 'kk']) {
    await setLang(teacher.context, reader);
    await visit(page, `/journals/${journalId}/history`);
    const line = historyRow(msg('RegradeReason', reader).replace('{title}', title));
    await line.waitFor();
    const cells = await line.locator('td').allInnerTexts();
    assert.deepEqual([cells[2], cells[3]], [handedIn[2], before], `${reader}: the same student's mark, from the old one`);
    assert.ok(top.includes(cells[4]), `${reader}: the top mark now, got ${cells[4]}`);
  }
  await close(teacher);

  // The student's attempt and list of exams show the new score and grade.
  {
    const { page } = student;
    await visit(page, attemptUrl);
    await page.getByTestId('attempt-score').filter({ hasText: '2 / 2' }).waitFor();
    await visit(page, '/exams');
    const mine = page.getByTestId('my-exams').locator('tr', { hasText: title });
    assert.match(await mine.innerText(), /2 \/ 2 · (5|100)\b/);
  }
  await close(student);
});

/** The countdown's minutes and seconds, in seconds. */
async function timerSeconds(page) {
  const [m, s] = (await page.getByTestId('timer').innerText()).trim().split(':').map(Number);
  return m * 60 + s;
}

test('extra time while sitting: the proctor and the teacher give it, the countdown moves and it is said', async () => {
  const id = uniq();
  const topic = `Уақыт ${id}`;
  const title = `Қосымша уақыт ${id}`;
  const stem = `Кестедегі жол қалай аталады? ${id}`;

  const teacher = await as('teacher', 'en');
  await importGift(teacher.page, 'en', `$CATEGORY: ${topic}\n\n${stem}{=Жазба ~Өріс ~Кілт}\n`);
  await createExam(teacher.page, 'en', { title, duration: 30, draw: `${topic}: 1`, proctored: false });

  // Әлихан (student1) sits on a phone, in Kazakh.
  const student = await as('student1', 'kk', { phone: true });
  const candidate = student.page;
  await startExam(candidate, title);
  const start = await timerSeconds(candidate);
  assert.ok(start <= 30 * 60 && start > 25 * 60, `30 minutes to go: ${start} s`);

  // The proctor (a phone, in Russian) opens the attempt from the live board.
  const proctor = await as('proctor', 'ru', { phone: true });
  {
    const { page } = proctor;
    await visit(page, '/proctor');
    await page.getByTestId('board-attempt').filter({ hasText: title }).click();
    await page.waitForURL(/\/proctor\/attempt\/\d+$/);
    await hydrated(page);
    const form = page.getByTestId('extend-form');
    const minutes = form.locator('#extend-minutes');
    const deadline = await page.getByTestId('attempt-deadline').innerText();
    // A wrong number is refused at its field, in the proctor's language; nothing is given.
    await minutes.fill('0');
    await form.locator('#extend-reason').fill('Свет отключили');
    await form.getByRole('button', { name: msg('ExtendAttempt', 'ru') }).click();
    await form.locator('.field', { has: page.locator('#extend-minutes') }).locator('.error').filter({ hasText: msg('ErrNumberRange', 'ru') }).waitFor();
    assert.equal(await form.locator('#extend-reason').inputValue(), 'Свет отключили', 'what was typed stays');
    await minutes.fill('10');
    await form.getByRole('button', { name: msg('ExtendAttempt', 'ru') }).click();
    await page.getByTestId('extend-attempt').getByText(msg('AttemptExtended', 'ru')).waitFor();
    await page.getByTestId('attempt-deadline').filter({ hasNotText: deadline }).waitFor();
    assert.deepEqual(await latinLeaks(page), []);
    // The form fits the phone (the timeline's tables may scroll; the form must not).
    const box = await page.getByTestId('extend-attempt').boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `the form fits the phone: ${JSON.stringify(box)}`);
    await screenshot(page, 'extend-proctor-ru-phone');
    await close(proctor);
  }

  // The candidate's page asks the server's clock every minute while shown: the 10 minutes
  // arrive without a reload, are said (a polite live region) and move the countdown.
  const said = (n) => msg('TimeExtendedBy', 'kk').replace('{n}', String(n));
  await candidate.getByTestId('time-extended').filter({ hasText: said(10) }).waitFor({ timeout: 75_000 });
  assert.equal((await candidate.getByTestId('time-extended-said').innerText()).trim(), said(10));
  assert.ok((await timerSeconds(candidate)) > 38 * 60, 'about 39 minutes to go');
  assert.deepEqual(await latinLeaks(candidate), []);
  assert.ok((await scrollWidth(candidate)) <= PHONE.width, 'no sideways scroll on a phone');
  await screenshot(candidate, 'extend-candidate-kk-phone');

  // The teacher gives 5 more from the results; the candidate's page, shown again after another
  // app (a minute has not passed since it last asked), asks at once.
  {
    const { page } = teacher;
    await openResults(page, 'en', title);
    const form = page.getByTestId('extend-form');
    await page.getByTestId('running-row').first().waitFor();
    await form.locator('#extend-minutes').fill('5');
    await form.locator('#extend-reason').fill('Жарық өшті');
    await form.getByRole('button', { name: msg('ExtendAttempt', 'en') }).click();
    await page.getByText(msg('AttemptExtended', 'en')).waitFor();
    await screenshot(page, 'extend-teacher-en');
    await close(teacher);
  }
  await hiddenAndBack(candidate);
  await candidate.getByTestId('time-extended').filter({ hasText: said(5) }).waitFor({ timeout: 10_000 });
  assert.ok((await timerSeconds(candidate)) > 43 * 60, 'about 44 minutes to go');
  await close(student);
});
