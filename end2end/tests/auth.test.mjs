// Accounts as a person uses them: registering, signing in and out, changing and resetting the
// password, and what the forms say when the input is wrong.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, close, visit, hydrated, signIn, welcomed, msg, field, uniq, logOffset, emailedCode, DEMO_PASSWORD } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/**
 * Fills the registration form by its labels (in `lang`) and submits it. Unless `confirm` is
 * false, then enters the code the server emailed (read from its log) and confirms.
 */
async function register(page, lang, { login, fullName, email, password }, { confirm = true } = {}) {
  await visit(page, '/register');
  await page.getByLabel(msg('Login', lang), { exact: true }).fill(login);
  await page.getByLabel(msg('FullName', lang), { exact: true }).fill(fullName);
  await page.getByLabel(msg('Email', lang), { exact: true }).fill(email);
  await page.getByLabel(msg('Password', lang), { exact: true }).fill(password);
  const offset = await logOffset();
  await page.getByRole('button', { name: msg('Register', lang), exact: true }).click();
  if (!confirm) return;
  await page.getByText(msg('RegisterCodeSent', lang)).waitFor();
  const code = await emailedCode(email, offset);
  await page.getByLabel(msg('Code', lang), { exact: true }).fill(code);
  await page.getByRole('button', { name: msg('Confirm', lang), exact: true }).click();
}

async function signOut(page, lang) {
  await page.getByRole('button', { name: msg('SignOut', lang), exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/');
  // The header offers signing in again and no longer shows the person.
  await page.getByRole('navigation', { name: msg('MainMenu', lang) }).getByRole('link', { name: msg('SignIn', lang), exact: true }).waitFor();
  await hydrated(page);
  assert.equal(await page.getByRole('button', { name: msg('SignOut', lang), exact: true }).count(), 0);
}

test('a new person registers, lands on the home page as an applicant, signs out and signs in again', async () => {
  const lang = 'ru';
  const ctx = await open(browser, { lang });
  const { page } = ctx;
  const n = uniq();
  const login = `e2e.reg${n}`;
  const fullName = `Айгерім Тестова ${n}`;
  const password = `Kokshe${n}x`;

  await register(page, lang, { login, fullName, email: `reg${n}@example.kz`, password });
  await welcomed(page, lang);
  const h1 = page.getByRole('heading', { level: 1 });
  assert.equal(await h1.innerText(), `${msg('Welcome', lang)}, ${fullName}`);
  const roles = page.getByTestId('roles');
  await roles.waitFor();
  assert.match(await roles.innerText(), new RegExp(msg('RoleApplicant', lang)));
  assert.ok(await page.getByRole('link', { name: fullName }).isVisible(), 'the header shows the person');

  await signOut(page, lang);

  // A wrong password: the translated refusal, and the person stays on the sign-in page.
  await visit(page, '/login');
  await page.getByLabel(msg('Login', lang), { exact: true }).fill(login);
  await page.getByLabel(msg('Password', lang), { exact: true }).fill(`${password}-wrong`);
  await page.getByRole('button', { name: msg('SignIn', lang), exact: true }).click();
  const alert = page.locator('.banner.error[role=alert]');
  await alert.waitFor();
  assert.equal(await alert.innerText(), msg('ErrWrongCredentials', lang));
  assert.equal(new URL(page.url()).pathname, '/login');

  // The right one: home, welcomed by name.
  await page.getByLabel(msg('Password', lang), { exact: true }).fill(password);
  await page.getByRole('button', { name: msg('SignIn', lang), exact: true }).click();
  await welcomed(page, lang);
  assert.equal(await h1.innerText(), `${msg('Welcome', lang)}, ${fullName}`);
  await close(ctx);
});

test('registration with a bad email and a weak password shows both errors at their fields and creates nothing', async () => {
  const lang = 'en';
  const ctx = await open(browser, { lang });
  const { page } = ctx;
  const n = uniq();
  const login = `e2e.bad${n}`;
  // "name@mail" passes the browser's own email check but has no domain the server accepts.
  await register(page, lang, { login, fullName: `Бекзат ${n}`, email: `bad${n}@mail`, password: 'abc123' }, { confirm: false });

  const emailError = field(page, msg('Email', lang)).getByRole('alert');
  const passwordError = field(page, msg('Password', lang)).getByRole('alert');
  await emailError.waitFor();
  assert.equal(await emailError.innerText(), msg('ErrEmailFormat', lang));
  assert.equal(await passwordError.innerText(), msg('ErrWeakPassword', lang));
  assert.equal(await page.getByLabel(msg('Email', lang), { exact: true }).getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByLabel(msg('Password', lang), { exact: true }).getAttribute('aria-invalid'), 'true');
  // The other fields are fine and say nothing.
  assert.equal(await field(page, msg('Login', lang)).getByRole('alert').count(), 0);
  assert.equal(await field(page, msg('FullName', lang)).getByRole('alert').count(), 0);
  assert.equal(await page.locator('.banner.error').innerText(), msg('ErrCheckFields', lang));
  assert.equal(new URL(page.url()).pathname, '/register');

  // Nothing was created: signing in with that login (and a password the server would have
  // accepted) fails like any unknown account.
  await visit(page, '/login');
  await page.getByLabel(msg('Login', lang), { exact: true }).fill(login);
  await page.getByLabel(msg('Password', lang), { exact: true }).fill('abc123');
  await page.getByRole('button', { name: msg('SignIn', lang), exact: true }).click();
  const alert = page.locator('.banner.error[role=alert]');
  await alert.waitFor();
  assert.equal(await alert.innerText(), msg('ErrWrongCredentials', lang));
  await close(ctx);
});

test('on the profile a wrong current password is shown at its field, the right one changes the password', async () => {
  const lang = 'kk';
  const ctx = await open(browser, { lang });
  const { page } = ctx;
  const n = uniq();
  const login = `e2e.pro${n}`;
  const password = `Burabay${n}a`;
  const newPassword = `Zhana${n}b`;
  await register(page, lang, { login, fullName: `Ерасыл Профилов ${n}`, email: `pro${n}@example.kz`, password });
  await welcomed(page, lang);

  await visit(page, '/profile');
  await page.getByRole('heading', { name: msg('ChangePassword', lang) }).waitFor();
  const current = page.getByLabel(msg('CurrentPassword', lang), { exact: true });
  const fresh = page.getByLabel(msg('NewPassword', lang), { exact: true });
  const submit = page.getByRole('button', { name: msg('ChangePassword', lang), exact: true });

  await current.fill(`${password}-no`);
  await fresh.fill(newPassword);
  await submit.click();
  const currentError = field(page, msg('CurrentPassword', lang)).getByRole('alert');
  await currentError.waitFor();
  assert.equal(await currentError.innerText(), msg('ErrWrongPassword', lang));
  assert.equal(await current.getAttribute('aria-invalid'), 'true');
  assert.equal(await field(page, msg('NewPassword', lang)).getByRole('alert').count(), 0);

  await current.fill(password);
  await fresh.fill(newPassword);
  await submit.click();
  const ok = page.locator('.banner.ok[role=status]', { hasText: msg('PasswordChanged', lang) });
  await ok.waitFor();
  assert.equal(await field(page, msg('CurrentPassword', lang)).getByRole('alert').count(), 0);

  // A new email, with the (new) password: it waits for the code sent to it, and the account
  // shows it once the code is entered.
  const newEmail = `pro${n}.new@example.kz`;
  const profileForm = page.locator('form', { has: page.getByRole('button', { name: msg('Save', lang), exact: true }) });
  await profileForm.getByLabel(msg('Email', lang), { exact: true }).fill(newEmail);
  await profileForm.getByLabel(msg('PasswordForContacts', lang), { exact: true }).fill(newPassword);
  const offset = await logOffset();
  await profileForm.getByRole('button', { name: msg('Save', lang), exact: true }).click();
  const waiting = page.getByTestId('confirm-email');
  await waiting.getByText(newEmail).waitFor();
  const code = await emailedCode(newEmail, offset);
  await waiting.getByLabel(msg('Code', lang), { exact: true }).fill(code);
  await waiting.getByRole('button', { name: msg('Confirm', lang), exact: true }).click();
  await waiting.waitFor({ state: 'detached' });
  assert.equal(await profileForm.getByLabel(msg('Email', lang), { exact: true }).inputValue(), newEmail);

  // The new password is the one that works now.
  await signOut(page, lang);
  await signIn(page, lang, login, newPassword, lang);
  await close(ctx);
});

test('a forgotten password is reset with the code emailed to the demo school administrator', async () => {
  const lang = 'en';
  const ctx = await open(browser, { lang });
  const { page } = ctx;
  const n = uniq();
  const newPassword = `Reset${n}pass`;

  await visit(page, '/forgot');
  const requestForm = page.locator('form', { has: page.getByRole('button', { name: msg('SendCode', lang), exact: true }) });
  const resetForm = page.locator('form', { has: page.getByRole('button', { name: msg('SetNewPassword', lang), exact: true }) });

  const offset = await logOffset();
  await requestForm.getByLabel(msg('LoginOrContact', lang), { exact: true }).fill('school.admin');
  await requestForm.getByLabel(msg('ByEmail', lang), { exact: true }).check();
  await requestForm.getByRole('button', { name: msg('SendCode', lang), exact: true }).click();
  await requestForm.locator('.banner.ok[role=status]', { hasText: msg('CodeSent', lang) }).waitFor();

  const code = await emailedCode('school-admin@demo.talap.kz', offset);

  // The second form is filled through its own labels.
  await resetForm.getByLabel(msg('LoginOrContact', lang), { exact: true }).fill('school.admin');
  await resetForm.getByLabel(msg('Code', lang), { exact: true }).fill(code);
  await resetForm.getByLabel(msg('NewPassword', lang), { exact: true }).fill(newPassword);
  await resetForm.getByRole('button', { name: msg('SetNewPassword', lang), exact: true }).click();
  await resetForm.locator('.banner.ok[role=status]', { hasText: msg('PasswordResetDone', lang) }).waitFor();

  // Signed in, the pages come in the account's saved language (Kazakh for the demo accounts).
  await signIn(page, lang, 'school.admin', newPassword, 'kk');
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), `${msg('Welcome', 'kk')}, Марат Болатұлы Сейітов`);
  assert.match(await page.getByTestId('roles').innerText(), new RegExp(msg('RoleSchoolAdmin', 'kk')));
  assert.equal(await page.locator('html').getAttribute('lang'), 'kk');
  await close(ctx);

  // The old demo password no longer opens the account.
  const again = await open(browser, { lang });
  await visit(again.page, '/login');
  await again.page.getByLabel(msg('Login', lang), { exact: true }).fill('school.admin');
  await again.page.getByLabel(msg('Password', lang), { exact: true }).fill(DEMO_PASSWORD);
  await again.page.getByRole('button', { name: msg('SignIn', lang), exact: true }).click();
  await again.page.locator('.banner.error[role=alert]', { hasText: msg('ErrWrongCredentials', lang) }).waitFor();
  await close(again);
});

test("a teacher goes from the home page (the candidate's bundle) to the journals: the whole app loads there, and Back returns home", async () => {
  const ctx = await open(browser, { lang: 'en' });
  const { page } = ctx;
  const wasm = [];
  page.on('response', (r) => { if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname); });
  await signIn(page, 'en', 'teacher', DEMO_PASSWORD);
  assert.ok(wasm.length > 0 && wasm.every((p) => p.startsWith('/candidate/pkg/')), `signing in and home are a candidate's pages: ${wasm}`);
  // The journals are not in the candidate's bundle: the link loads the page from the server.
  const whole = page.waitForResponse((r) => /^\/pkg\/talap\.[^/]+\.wasm$/.test(new URL(r.url()).pathname));
  await page.locator('nav.menu a[href="/journals"]').click();
  await whole;
  await page.waitForURL((u) => u.pathname === '/journals');
  await hydrated(page);
  await page.getByTestId('journals').waitFor();
  // One step back is the home page again.
  await page.goBack();
  await page.waitForURL((u) => u.pathname === '/');
  await page.getByRole('heading', { level: 1, name: /,/ }).waitFor();
  await close(ctx);
});

test('the sign-in page is readable without JavaScript', async () => {
  for (const lang of ['kk', 'en']) {
    const ctx = await open(browser, { lang, javaScriptEnabled: false });
    const { page } = ctx;
    const response = await page.goto('/login');
    assert.equal(response.status(), 200);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), msg('SignInTitle', lang));
    assert.ok(await page.getByLabel(msg('Login', lang), { exact: true }).isVisible());
    assert.ok(await page.getByLabel(msg('Password', lang), { exact: true }).isVisible());
    assert.ok(await page.getByRole('button', { name: msg('SignIn', lang), exact: true }).isVisible());
    assert.equal(await page.locator('html').getAttribute('lang'), lang);
    await close(ctx);
  }
});

test('a registration sent before the page runs its script comes back as the form with its messages', async () => {
  // Issue 14, item 16: a slow phone submits before hydration, like a browser without JavaScript.
  const lang = 'ru';
  const ctx = await open(browser, { lang, javaScriptEnabled: false });
  const { page } = ctx;
  const n = uniq();
  await page.goto('/register');
  await page.getByLabel(msg('Login', lang), { exact: true }).fill(`e2e.nojs${n}`);
  await page.getByLabel(msg('FullName', lang), { exact: true }).fill(`Бекзат ${n}`);
  // Passes the browser's own check, not the server's.
  await page.getByLabel(msg('Email', lang), { exact: true }).fill(`nojs${n}@mail`);
  await page.getByLabel(msg('Password', lang), { exact: true }).fill(`Nojs-${n}-pass`);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: msg('Register', lang), exact: true }).click()]);
  assert.equal(new URL(page.url()).pathname, '/register');
  assert.ok(!(await page.content()).includes('{"Invalid"'), 'not the raw error');
  const emailError = field(page, msg('Email', lang)).getByRole('alert');
  assert.equal(await emailError.innerText(), msg('ErrEmailFormat', lang));
  assert.equal(await page.locator('html').getAttribute('lang'), lang);
  await close(ctx);
});

