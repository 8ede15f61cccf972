// Administration as the customer administrator does it: the organisation tree, users and
// their roles, deactivation, and the audit log that records all of it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, close, visit, signIn, setLang, msg, field, chooseOption, uniq, DEMO_PASSWORD } from './lib.mjs';

const lang = 'en';
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A context signed in as the demo admin, showing pages in `lang`. */
async function asAdmin() {
  const ctx = await open(browser, { lang });
  await signIn(ctx.page, lang, 'admin', DEMO_PASSWORD);
  // Signing in applies the admin's saved language; the tests read English.
  await setLang(ctx.context, lang);
  return ctx;
}

/** Filters the audit log by an action prefix through its form; returns the table rows. */
async function auditRows(page, prefix) {
  await visit(page, '/admin/audit');
  await page.getByLabel(msg('Action', lang), { exact: true }).fill(prefix);
  await page.getByRole('button', { name: msg('Filter', lang), exact: true }).click();
  await page.waitForURL((u) => u.searchParams.get('action') === prefix);
  // The unfiltered rows stay until the filtered ones arrive; then every row has that prefix.
  await page.waitForFunction((p) => {
    const actions = [...document.querySelectorAll('table.audit tbody tr td:nth-child(4)')].map((td) => td.innerText);
    return actions.length > 0 && actions.every((a) => a.startsWith(p));
  }, prefix);
  return page.locator('table.audit tbody tr');
}

test('admin adds a region and a college under it; both appear in the tree and in the audit log', async () => {
  const ctx = await asAdmin();
  const { page } = ctx;
  const n = uniq();
  const region = `Сынақ облысы ${n}`;
  const college = `Сынақ колледжі ${n}`;

  await visit(page, '/admin/orgs');
  const tree = page.getByTestId('org-tree');
  await tree.waitFor();

  async function addOrg(parent, kindLabel, name) {
    await chooseOption(page.getByLabel(msg('Parent', lang), { exact: true }), parent);
    await chooseOption(page.getByLabel(msg('Kind', lang), { exact: true }), kindLabel);
    await page.getByLabel(msg('Name', lang), { exact: true }).fill(name);
    await page.getByRole('button', { name: msg('CreateOrganisation', lang), exact: true }).click();
    await tree.getByText(name, { exact: true }).waitFor();
    await page.locator('.banner.ok[role=status]', { hasText: msg('OrgCreated', lang) }).waitFor();
  }
  await addOrg('Talap', msg('KindRegion', lang), region);
  await addOrg(region, msg('KindCollege', lang), college);

  // The college sits one level below the region, with its kind shown.
  const item = (name) => tree.locator('li', { has: page.getByText(name, { exact: true }) });
  const depth = async (name) => Number((await item(name).getAttribute('class')).match(/depth-(\d+)/)[1]);
  assert.equal(await depth(college), (await depth(region)) + 1);
  assert.equal(await item(region).locator('.kind').textContent(), msg('KindRegion', lang));
  assert.equal(await item(college).locator('.kind').textContent(), msg('KindCollege', lang));
  // A reload shows the same tree (it is stored, not just drawn).
  await visit(page, '/admin/orgs');
  await tree.getByText(college, { exact: true }).waitFor();

  const rows = await auditRows(page, 'org.');
  for (const name of [region, college]) {
    const row = rows.filter({ hasText: name });
    assert.equal(await row.count(), 1, `one audit row for ${name}`);
    assert.equal(await row.locator('td').nth(3).innerText(), 'org.create');
    assert.equal(await row.locator('td').nth(1).innerText(), 'admin');
  }
  await close(ctx);
});

test('admin creates a user with a role, opens and deactivates them, and finds it in the audit log', async () => {
  const ctx = await asAdmin();
  const { page } = ctx;
  const n = uniq();
  const login = `e2e.usr${n}`;
  const fullName = `Нұрлан Сынақов ${n}`;
  const college = 'Көкшетау жоғары политехникалық колледжі';

  await visit(page, '/admin/users');
  await page.getByLabel(msg('Login', lang), { exact: true }).fill(login);
  await page.getByLabel(msg('FullName', lang), { exact: true }).fill(fullName);
  await page.getByLabel(msg('Email', lang), { exact: true }).fill(`usr${n}@example.kz`);
  await chooseOption(page.getByLabel(msg('Organisation', lang), { exact: true }), college);
  await chooseOption(page.getByLabel(msg('Role', lang), { exact: true }), msg('RoleTeacher', lang));
  await page.getByLabel(msg('InitialPassword', lang), { exact: true }).fill(`Mugalim${n}q`);
  await page.getByRole('button', { name: msg('CreateUser', lang), exact: true }).click();
  await page.locator('.banner.ok[role=status]', { hasText: msg('UserCreated', lang) }).waitFor();
  assert.equal(await field(page, msg('Login', lang)).getByRole('alert').count(), 0);

  // The list shows the new person with the role.
  const person = page.getByTestId('users').locator('li', { hasText: login });
  await person.waitFor();
  assert.match(await person.innerText(), new RegExp(msg('RoleTeacher', lang)));

  await person.getByRole('link', { name: fullName }).click();
  await page.waitForURL(/\/admin\/users\/\d+$/);
  const userId = new URL(page.url()).pathname.split('/').pop();
  await page.getByRole('heading', { level: 1, name: fullName }).waitFor();
  const status = page.getByTestId('user-status');
  assert.equal(await status.innerText(), msg('Active', lang));
  assert.match(await page.locator('ul.grants').innerText(), new RegExp(`${msg('RoleTeacher', lang)} — ${college}`));

  await page.getByRole('button', { name: msg('Deactivate', lang), exact: true }).click();
  await page.getByTestId('user-status').filter({ hasText: msg('Inactive', lang) }).waitFor();
  await page.getByRole('button', { name: msg('Activate', lang), exact: true }).waitFor();
  // Still deactivated after a reload, and marked so in the list.
  await visit(page, `/admin/users/${userId}`);
  assert.equal(await page.getByTestId('user-status').innerText(), msg('Inactive', lang));
  await visit(page, `/admin/users?q=${login}`);
  const listed = page.getByTestId('users').locator('li', { hasText: login });
  await listed.waitFor();
  assert.match(await listed.innerText(), new RegExp(msg('Inactive', lang)));

  const rows = await auditRows(page, 'user.');
  const created = rows.filter({ hasText: login }).filter({ has: page.locator('td code', { hasText: /^user\.create$/ }) });
  assert.equal(await created.count(), 1, 'one user.create row for the new login');
  const deactivated = rows.filter({ hasText: `user #${userId}` }).filter({ has: page.locator('td code', { hasText: /^user\.deactivate$/ }) });
  assert.equal(await deactivated.count(), 1, 'one user.deactivate row for the user');
  assert.equal(await deactivated.locator('td').nth(1).innerText(), 'admin');
  await close(ctx);
});
