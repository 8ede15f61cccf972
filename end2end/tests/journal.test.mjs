// The electronic journal as a teacher, a student and the head of studies use it: a semester
// filled from the timetable, marks typed with the keyboard and saved at once, a changed mark in
// the history with its reason, the student's own page, and the specialty report exported.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, close, visit, signIn, setLang, msg, chooseOption, uniq, screenshot, latinLeaks, scrollWidth, DEMO_PASSWORD, PHONE } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A context signed in as a demo account, showing pages in `lang`. */
async function as(login, lang, options = {}) {
  const ctx = await open(browser, { lang, ...options });
  await signIn(ctx.page, lang, login, DEMO_PASSWORD);
  await setLang(ctx.context, lang);
  return ctx;
}

/** Waits until every typed cell has been saved. */
async function allSaved(page, lang) {
  await page.getByTestId('savebar').filter({ hasText: msg('AllSaved', lang) }).waitFor();
  assert.equal(await page.locator('table.marks td.saving, table.marks td.retrying, table.marks td.refused').count(), 0);
}

const subject = `Математика ${uniq()}`;

test('a teacher fills a semester, types marks with the keyboard, changes one with a reason; the history shows it', async () => {
  const lang = 'ru';
  const ctx = await as('teacher', lang);
  const { page } = ctx;

  // Open a journal for the demo group for the autumn of 2026.
  await visit(page, '/journals');
  await chooseOption(page.getByLabel(msg('Group', lang), { exact: true }), 'ИС-21');
  await page.getByLabel(msg('Subject', lang), { exact: true }).fill(subject);
  await page.getByLabel(msg('SemesterStart', lang), { exact: true }).fill('2026-09-01');
  await page.getByLabel(msg('SemesterEnd', lang), { exact: true }).fill('2026-10-31');
  await page.getByRole('button', { name: msg('NewJournal', lang), exact: true }).click();
  await page.waitForURL(/\/journals\/\d+\/plan$/);
  const journalUrl = page.url().replace(/\/plan$/, '');

  // Two topics of the plan, typed in.
  const topicForm = page.getByTestId('topic-form');
  for (const [title, hours] of [['Пределы', '4'], ['Производная', '6']]) {
    await topicForm.getByLabel(msg('Topic', lang)).fill(title);
    await topicForm.getByLabel(msg('Hours', lang)).fill(hours);
    await topicForm.getByRole('button', { name: msg('AddTopic', lang) }).click();
    await page.getByTestId('ktp').getByText(title, { exact: true }).waitFor();
  }
  await page.getByTestId('ktp-total').filter({ hasText: '10' }).waitFor();

  // The timetable: Mondays pair 1 and Wednesdays pair 2, two hours each. The holidays field
  // comes filled with the semester's fixed public holidays (none in September-October but
  // 25 October, a Sunday).
  await page.getByTestId('add-slot').click();
  await page.getByTestId('slot-day-1').selectOption('3');
  await page.getByTestId('preview').click();
  const preview = page.getByTestId('fill-preview');
  await preview.waitFor();
  // 8 Mondays and 9 Wednesdays from 1 September to 31 October 2026.
  await page.getByTestId('preview-count').filter({ hasText: /^17 / }).waitFor();
  assert.equal(await preview.locator('tbody tr').count(), 17);
  assert.match(await preview.locator('tbody tr').first().innerText(), /02\.09\.2026.*Пределы/s);
  await page.getByTestId('create-lessons').click();
  await page.getByTestId('fill-done').filter({ hasText: '17' }).waitFor();
  await page.getByTestId('lessons').locator('tbody tr').nth(16).waitFor();

  // The grid: type "5", Enter moves down, "н" for an absence, arrows move right.
  await visit(page, journalUrl);
  const grid = page.getByTestId('grid');
  await grid.waitFor();
  const cell = (r, c) => page.locator(`#c-${r}-${c}`);
  await cell(0, 0).click();
  await page.keyboard.type('5');
  await page.keyboard.press('Enter');
  await assert.doesNotReject(() => cell(1, 0).evaluate((el) => { if (document.activeElement !== el) throw new Error('Enter did not move down'); }));
  await page.keyboard.type('н');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.type('4');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.type('7');
  await page.keyboard.press('Enter');
  // 7 is off the 5-point scale: that cell shows it is refused, and nothing else is stuck.
  await page.locator('table.marks td.refused #c-0-1').waitFor();
  await cell(0, 1).click();
  await page.keyboard.type('3');
  await page.keyboard.press('Enter');
  await allSaved(page, lang);
  assert.equal(await page.getByTestId('avg-0').innerText(), '4');
  await screenshot(page, 'journal-grid-ru');

  // The marks are there after a reload.
  await visit(page, journalUrl);
  assert.equal(await cell(0, 0).inputValue(), '5');
  assert.equal(await cell(1, 0).inputValue(), 'н');
  assert.equal(await cell(1, 1).inputValue(), '4');
  const student0 = await grid.locator('tbody tr').first().locator('th').innerText();

  // 2 September is past: changing the 5 asks for a reason, and the change waits for it.
  await cell(0, 0).click();
  await page.keyboard.type('4');
  await page.keyboard.press('Enter');
  const reason = page.getByTestId('reason');
  await reason.waitFor();
  await reason.getByRole('textbox').fill('Пересдача');
  await reason.getByRole('button', { name: msg('Save', lang), exact: true }).click();
  await allSaved(page, lang);
  await visit(page, journalUrl);
  assert.equal(await cell(0, 0).inputValue(), '4');

  // The history lists it with the old and the new value, the reason and who changed it.
  await visit(page, `${journalUrl}/history`);
  const row = page.getByTestId('history').locator('tbody tr', { hasText: 'Пересдача' });
  await row.waitFor();
  const cells = await row.locator('td').allInnerTexts();
  assert.deepEqual(cells.slice(1, 5), ['02.09.2026', student0, '5', '4']);
  assert.match(cells[6], /Беков/);
  await close(ctx);
});

test('the student sees the marks; the grid works on a phone as a single-student list', async () => {
  const lang = 'kk';
  // The teacher's first row is the first student by name: Аружан (student2).
  const ctx = await as('student2', lang);
  const { page } = ctx;
  await visit(page, '/my/marks');
  const mine = page.getByTestId('my-marks').locator('tbody tr', { hasText: subject });
  await mine.waitFor();
  assert.match(await mine.locator('.marks-line').innerText(), /4\s*3/);
  assert.equal(await mine.getByTestId('my-average').innerText(), '3,5');
  assert.deepEqual(await latinLeaks(page), []);
  await screenshot(page, 'journal-my-marks-kk');
  await close(ctx);

  const phone = await as('teacher', 'en', { viewport: PHONE });
  await visit(phone.page, '/journals');
  await phone.page.getByRole('link', { name: new RegExp(subject) }).click();
  await phone.page.locator('.grid-phone').waitFor();
  assert.ok(await phone.page.locator('.grid-phone').isVisible());
  assert.ok(!(await phone.page.locator('.grid-wide').isVisible()), 'the wide grid is hidden on a phone');
  assert.ok((await scrollWidth(phone.page)) <= PHONE.width + 1, 'no horizontal scroll on a phone');
  await screenshot(phone.page, 'journal-phone-en');
  await close(phone);
});

test('the head of studies sees the performance report and downloads it as XLSX', async () => {
  const lang = 'en';
  const ctx = await as('head', lang);
  const { page } = ctx;
  await visit(page, '/reports/performance');
  await page.getByLabel(msg('From', lang), { exact: true }).fill('2025-09-01');
  await page.getByLabel(msg('To', lang), { exact: true }).fill('2030-12-31');
  await page.getByRole('button', { name: msg('Show', lang), exact: true }).click();
  const table = page.getByTestId('performance');
  await table.locator('tbody tr', { hasText: 'ИС-21' }).waitFor();
  await screenshot(page, 'journal-performance-en');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
  const path = await download.path();
  const { readFile } = await import('node:fs/promises');
  const bytes = await readFile(path);
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an XLSX file is a zip');
  assert.ok(bytes.length > 2000);
  await close(ctx);
});
