// Student records (issue 20, TVT-9) as a college's director keeps them: students and groups
// imported from a file (a broken row refuses the whole file and is named by row and column; the
// fixed file is previewed, then imported; importing it again changes nothing), then a movement
// recorded on a student's card on a phone, in Russian, and read back in the history.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, close, visit, signedIn, msg, validIin, uniq, screenshot, scrollWidth, PHONE } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const HEADER = 'ЖСН;Аты-жөні;Туған күні;Топ;Мамандық коды;Мамандық;Курс;Оқу нысаны;Оқу тілі;Email;Телефон';

/** Chooses `csv` in the import form on /records and previews it. */
async function preview(page, lang, csv) {
  const form = page.getByTestId('records-import');
  await form.getByLabel(msg('RecImportFile', lang), { exact: true }).setInputFiles({ name: 'students.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await form.getByRole('button', { name: msg('OlyPreview', lang), exact: true }).click();
}

test('a college imports its students all or nothing and records an academic leave on a card', async () => {
  const n = uniq();
  const group = `ТО-${n.slice(-5)}`;
  // Two new students born in 2007 with IINs unique to this run.
  const first = { iin: validIin('070315', 5, Number(n.slice(-4))), name: `Асқар Бекұлы Сынақов ${n}` };
  const second = { iin: validIin('070420', 6, Number(n.slice(-4))), name: `Мәдина Серікқызы Сынақова ${n}` };
  // A new student needs a contact for the invitation; phones unique to this run.
  const row = (s, birth, k) =>
    `${s.iin};${s.name};${birth};${group};07161300;Техникалық қызмет көрсету;1;күндізгі;орыс;;8 70${k} ${n.slice(-7, -4)} ${n.slice(-4, -2)} ${n.slice(-2)}`;
  // The first student's birth date is not the one his IIN holds.
  const broken = [HEADER, row(first, '16.03.2007', 1), row(second, '20.04.2007', 2)].join('\n');
  const fixed = [HEADER, row(first, '15.03.2007', 1), row(second, '20.04.2007', 2)].join('\n');

  const lang = 'kk';
  const director = await signedIn(browser, 'director', lang);
  const { page } = director;
  await visit(page, '/records');
  await preview(page, lang, broken);
  const errors = page.getByTestId('records-import-errors');
  await errors.getByText(msg('KtpFileRefused', lang)).waitFor();
  // The error names the row (the header is row 1) and the column, in Kazakh.
  const line = `${msg('RowN', lang).replace('{n}', '2')}, ${msg('RecBirthDate', lang)}: ${msg('ErrRecBirthDateIin', lang)}`;
  await errors.getByText(line, { exact: true }).waitFor();
  assert.equal(await errors.locator('li').count(), 1, 'only the broken cell is reported');
  // Nothing was written: "Import" stays off until a clean preview.
  assert.ok(await page.getByTestId('records-import').getByRole('button', { name: msg('Import', lang), exact: true }).isDisabled());

  await preview(page, lang, fixed);
  const report = page.getByTestId('records-import-report');
  await report.getByText(msg('RecImportPreview', lang), { exact: false }).waitFor();
  await page.getByTestId('records-import-rows').getByText(first.name).waitFor();
  await page.getByTestId('records-import-rows').getByText(msg('RecNewGroup', lang)).first().waitFor();
  // "Import" writes the file just previewed (choosing a file again would clear the preview).
  await page.getByTestId('records-import').getByRole('button', { name: msg('Import', lang), exact: true }).click();
  await report.getByText(msg('RecImportApplied', lang), { exact: false }).waitFor();
  const applied = await report.innerText();
  // Counts: new groups; profiles changed; new students; existing students enrolled; unchanged.
  assert.match(applied, /: 1;.*: 0;.*: 2;.*: 0;.*: 0\./, `one new group and two new students: ${applied}`);
  // The same file again: a preview that would change nothing, so "Import" stays off.
  await preview(page, lang, fixed);
  await page.waitForFunction((t) => document.querySelector('[data-testid=records-import-report]')?.innerText.startsWith(t), msg('RecImportPreview', lang));
  assert.match(await report.innerText(), /: 0;.*: 0;.*: 0;.*: 0;.*: 2\./, 'nothing new the second time');
  assert.ok(await page.getByTestId('records-import').getByRole('button', { name: msg('Import', lang), exact: true }).isDisabled());
  await screenshot(page, 'records-import-kk');

  // The new group is listed with its profile; its students link to their cards.
  await visit(page, '/records');
  const groupRow = page.getByTestId('records-groups').locator('tr', { hasText: group });
  await groupRow.getByText(msg('StudyFormFullTime', lang)).waitFor();
  await groupRow.getByRole('link', { name: group }).click();
  await page.getByTestId('group-students').getByRole('link', { name: second.name }).waitFor();
  const card = await page.getByTestId('group-students').getByRole('link', { name: second.name }).getAttribute('href');
  await close(director);

  // On a phone, in Russian: the card shows the enrolment, and an academic leave is recorded.
  const ru = 'ru';
  const phone = await signedIn(browser, 'director', ru, { phone: true });
  const p = phone.page;
  await visit(p, card);
  await p.getByTestId('student-card').getByText(second.iin).waitFor();
  assert.equal((await p.getByTestId('card-standing').innerText()).trim(), msg('StandingStudying', ru));
  await p.getByTestId('movements').getByText(msg('MoveEnrolled', ru)).waitFor();
  const form = p.getByTestId('movement-form');
  await form.getByLabel(msg('RecMovementKind', ru), { exact: true }).selectOption('academic_leave');
  await form.getByLabel(msg('RecOrder', ru), { exact: true }).fill(`Приказ № ${n.slice(-3)}-к`);
  await form.getByLabel(msg('RecMovementDate', ru), { exact: true }).fill('2026-12-01');
  await form.getByRole('button', { name: msg('RecRecordMovement', ru), exact: true }).tap();
  await p.getByText(msg('RecMovementSaved', ru)).waitFor();
  await p.waitForFunction((t) => document.querySelector('[data-testid=card-standing]')?.innerText.trim() === t, msg('StandingOnLeave', ru));
  const leave = p.getByTestId('movements').locator('tr', { hasText: msg('MoveAcademicLeave', ru) });
  await leave.getByText(`Приказ № ${n.slice(-3)}-к`).waitFor();
  await leave.getByText('2026-12-01').waitFor();
  assert.ok((await scrollWidth(p)) <= PHONE.width, 'no sideways scroll on a phone');
  await screenshot(p, 'records-card-ru-phone');
  await close(phone);
});
