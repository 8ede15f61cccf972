// Admission and grants (issue 20, TVT-1): an applicant applies from a phone in Russian, the
// committee (the college's director) accepts the application, the applicant downloads the
// receipt whose QR page confirms it to anyone, the committee previews the ranking and publishes
// it, and the public list, read without signing in, shows the applicant's place.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, close, visit, signIn, signedIn, msg, validIin, pdfText, DEMO_PASSWORD } from './lib.mjs';

const lang = 'ru';
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('an applicant applies on a phone, the committee ranks and publishes, the public list shows the place', async () => {
  // The applicant, on a 360x740 phone.
  const phone = await open(browser, { lang, phone: true });
  const { page } = phone;
  await signIn(page, lang, 'applicant', DEMO_PASSWORD, lang);
  await visit(page, '/admission');
  const form = page.getByTestId('admission-form');
  await form.waitFor();
  const iin = validIin('100610', 5, 5000);
  await form.getByLabel(msg('Iin', lang), { exact: true }).fill(iin);
  await form.getByLabel(msg('FullName', lang), { exact: true }).fill('Омаров Нұрсұлтан Бекұлы');
  await form.getByLabel(msg('Phone', lang), { exact: true }).fill('+7 701 555 12 34');
  // A mark the certificate cannot have is refused at its field.
  await form.getByLabel(msg('AdmCertificateScore', lang), { exact: true }).fill('5,7');
  const first = form.getByLabel(msg('AdmChoiceN', lang).replace('{n}', '1'), { exact: true });
  const ru = await first.evaluate((el) => [...el.options].find((o) => o.textContent.includes('Программное обеспечение')).value);
  await first.selectOption(ru);
  await form.getByRole('button', { name: msg('AdmSubmit', lang), exact: true }).click();
  await form.locator('.field.invalid', { hasText: msg('ErrAdmCertificateScore', lang) }).waitFor();
  await form.getByLabel(msg('AdmCertificateScore', lang), { exact: true }).fill('4,75');
  await form.getByRole('button', { name: msg('AdmSubmit', lang), exact: true }).click();
  const mine = page.getByTestId('my-application');
  await mine.getByTestId('application-status').filter({ hasText: msg('AdmStatusSubmitted', lang) }).waitFor();
  const heading = await mine.getByRole('heading').innerText();
  const number = heading.match(/\d{4}-\d{5}/)[0];
  // Nothing on the phone page is wider than the screen.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'the page scrolls sideways on a phone');

  // The committee: accept, preview, publish.
  const desk = await signedIn(browser, 'director', lang);
  const cp = desk.page;
  await visit(cp, '/admission/committee');
  await cp.getByTestId('admission-campaigns').locator('li', { hasText: msg('AdmCampaignOpen', lang) }).getByRole('link').click();
  const application = cp.getByTestId('committee-application').filter({ hasText: number });
  await application.getByTestId('accept').click();
  await application.getByTestId('committee-status').filter({ hasText: msg('AdmStatusAccepted', lang) }).waitFor();

  // The applicant, told in the inbox, downloads the receipt (Russian) and its QR page confirms it.
  await visit(page, '/admission');
  await page.getByTestId('receipt').waitFor();
  const res = await page.request.get(await page.getByTestId('receipt-ru').getAttribute('href'));
  assert.equal(res.status(), 200);
  const pdf = await res.body();
  const text = pdfText(pdf).join('\n');
  assert.ok(text.includes(number), `the receipt carries the number ${number}`);
  assert.match(text, new RegExp(msg('AdmReceiptTitle', lang).toUpperCase()));
  const code = pdf.toString('latin1').match(/\/admission\/check\/([A-Za-z0-9_-]+)/)?.[1];
  assert.ok(code, 'the receipt links its check page');
  const anyone = await open(browser, { lang: 'kk', phone: true });
  await visit(anyone.page, `/admission/check/${code}`);
  await anyone.page.getByTestId('check-verdict').getByText(msg('AdmCheckValid', 'kk')).waitFor();
  assert.equal((await anyone.page.getByTestId('check-number').innerText()).trim(), number);
  assert.equal((await anyone.page.getByTestId('check-person').innerText()).trim(), 'О*** Н*** Б***');
  assert.ok(!(await anyone.page.content()).includes(iin), 'the check page shows the IIN');
  await close(anyone);
  await visit(page, '/inbox');
  await page.getByTestId('message-group').filter({ hasText: msg('InboxGroupApplications', lang) }).getByText(number).first().waitFor();

  await cp.getByTestId('preview-ranking').click();
  const preview = cp.getByTestId('ranking-preview');
  await preview.locator('tr', { hasText: number }).filter({ hasText: msg('AdmOutcomeGeneral', lang) }).waitFor();
  await cp.getByTestId('publish-ranking').click();
  await cp.getByTestId('admission-offers').locator('.tag', { hasText: msg('AdmCampaignPublished', lang) }).waitFor();

  // Anyone, without signing in, reads the list: the number at place 1, no IIN.
  const anon = await open(browser, { lang, phone: true });
  await visit(anon.page, '/admission/lists');
  await anon.page.getByRole('link', { name: /Программное обеспечение/ }).first().click();
  const row = anon.page.getByTestId('admission-list').locator('tr', { hasText: number });
  await row.waitFor();
  assert.equal((await row.locator('td').first().innerText()).trim(), '1');
  assert.match(await row.innerText(), new RegExp(msg('AdmOutcomeGeneral', lang).replace(/[()]/g, '\\$&')));
  assert.ok(!(await anon.page.content()).includes(iin), 'the public list shows an IIN');

  // The applicant sees the grant.
  await visit(page, '/admission');
  await page.getByTestId('application-outcome').filter({ hasText: 'Программное обеспечение' }).waitFor();
  await close(anon);
  await close(desk);
  await close(phone);
});
