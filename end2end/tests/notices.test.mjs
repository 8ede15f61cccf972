// Notifications on events (issue 20): a teacher sets a mark in the journal's grid; the student
// signs in and finds exactly one message about it in the inbox, in their language (Kazakh or
// Russian), and on a phone turns email off for marks on the notification settings page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, close, visit, signIn, setLang, msg, uniq, scrollWidth, screenshot, DEMO_PASSWORD, PHONE } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function as(login, lang, options = {}) {
  const ctx = await open(browser, { lang, ...options });
  await signIn(ctx.page, lang, login, DEMO_PASSWORD);
  await setLang(ctx.context, lang);
  return ctx;
}

test('a mark reaches the student once in the inbox; the student turns email off on a phone', async () => {
  const subject = `Физика ${uniq()}`;
  const teacher = await as('teacher', 'ru');
  const tp = teacher.page;
  // A journal of its own (so no other test's marks count), opened and filled through the
  // calls its pages make; the mark itself is typed into the grid.
  const call = async (url, form) => {
    const r = await tp.request.post(url, { form, headers: { accept: 'application/json' } });
    assert.ok(r.ok(), `${url}: ${r.status()} ${await r.text()}`);
    return r.json();
  };
  const groups = await call('/api/journal/groups', {});
  const group = groups.find((g) => g.name.includes('ИС-21'));
  assert.ok(group, JSON.stringify(groups));
  const journal = await call('/api/journal/create', {
    group_id: String(group.id), subject, semester_start: '2026-09-01', semester_end: '2026-10-31', scale: 'five',
  });
  await call('/api/journal/fill', { journal_id: String(journal), timetable: '1:1:2:all', holidays: '' });
  await visit(tp, `/journals/${journal}`);
  const row = tp.locator('table.marks tbody tr', { has: tp.locator('th', { hasText: 'Әлихан Ержанұлы Сапаров' }) });
  const cell = row.locator('input').first();
  for (let i = 0; i < 2; i++) {
    // The second time the same mark: no new message.
    await cell.click();
    await tp.keyboard.type('5');
    await tp.keyboard.press('Enter');
    await tp.getByTestId('savebar').filter({ hasText: msg('AllSaved', 'ru') }).waitFor();
  }
  await close(teacher);

  const student = await as('student1', 'ru', { phone: true });
  const { page } = student;
  await visit(page, '/inbox');
  const subjects = ['kk', 'ru'].map((l) => msg('NoticeMarkSubject', l).replace('{subject}', subject));
  const items = page.locator('ul.messages li', { has: page.locator('strong', { hasText: subject }) });
  await items.first().waitFor();
  assert.equal(await items.count(), 1, 'exactly one message about the mark');
  assert.ok(subjects.includes((await items.first().locator('strong').innerText()).trim()));
  assert.match(await items.first().locator('p').innerText(), /5\.$/);

  // The inbox's own texts in each language, the message as it was written.
  for (const lang of ['kk', 'en', 'ru']) {
    await setLang(student.context, lang);
    await visit(page, '/inbox');
    await page.getByRole('heading', { level: 1, name: msg('Inbox', lang) }).waitFor();
    assert.equal(await items.count(), 1, `one message in ${lang}`);
  }

  // The marks are one group, titled and counted; "mark all read" reads the whole group.
  const marks = page.locator('[data-testid="message-group"][data-kind="mark"]');
  await marks.getByRole('heading', { name: msg('InboxGroupMarks', 'ru') }).waitFor();
  await marks.getByTestId('group-unread').waitFor();
  await screenshot(page, 'inbox-groups-ru-phone');
  await marks.getByTestId('group-read-all').tap();
  await marks.getByTestId('group-unread').waitFor({ state: 'detached' });
  assert.equal(await marks.locator('li.unread').count(), 0, 'every mark is read');
  assert.ok((await scrollWidth(page)) <= PHONE.width, 'no horizontal scroll on a phone');

  // The settings, from the profile: marks by email off; SMS is disabled with its reason.
  await visit(page, '/profile');
  await page.getByTestId('notice-settings-link').click();
  await page.waitForURL(/\/notifications$/);
  await page.getByTestId('notice-settings').waitFor();
  const email = page.locator('#np-mark-email');
  await email.waitFor();
  assert.equal(await email.isChecked(), true, 'email is on by default with a confirmed email');
  assert.equal(await page.locator('#np-mark-sms').isDisabled(), true);
  await page.getByTestId('notice-no-phone').filter({ hasText: msg('NoticeNoPhone', 'ru') }).waitFor();
  await email.tap();
  await page.locator('p.banner.ok').filter({ hasText: msg('NoticeSaved', 'ru') }).waitFor();
  assert.ok((await scrollWidth(page)) <= PHONE.width, 'no horizontal scroll on a phone');
  await screenshot(page, 'notices-settings-ru-phone');
  await visit(page, '/notifications');
  assert.equal(await page.locator('#np-mark-email').isChecked(), false, 'the choice is kept');
  assert.equal(await page.locator('#np-mark-inapp').isChecked(), true);
  // Back as it was, for the other specs.
  await page.locator('#np-mark-email').tap();
  await page.locator('p.banner.ok').filter({ hasText: msg('NoticeSaved', 'ru') }).waitFor();
  await close(student);
});
