// The olympiad's public side and a participant's certificates, on the demo campaign (results
// imported, winners computed with a quota of 2 per region, published, certificates issued):
// anyone finds the winners and searches them on a phone, never seeing an IIN; the demo pupil
// downloads their certificates and the page a certificate's QR code opens confirms each one,
// while a number nobody was given is told apart in the page's language; the pupil, a winner,
// applies to the demo specialised school with a document, the school sees the application and
// the family's look-up says placement is still to come.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, close, visit, signIn, setLang, msg, screenshot, scrollWidth, validIin, chooseOption, field, uniq, DEMO_PASSWORD, PHONE, BASE } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the public winners page lists and searches the winners on a phone, without IINs', async () => {
  const lang = 'ru';
  const ctx = await open(browser, { lang, viewport: PHONE });
  const { page } = ctx;
  await visit(page, '/olympiad/winners');
  const campaign = page.getByTestId('published-campaign').filter({ hasText: '«Мың бала» демо' });
  await campaign.waitFor();
  // Grade 6 maths: Бекзат 44, then Әлия and Ерлан with 38,5 each; Әлия used less time, so
  // she takes the second place and the quota of 2 ends there.
  const winners = campaign.getByTestId('winner');
  const names = await winners.allInnerTexts();
  assert.ok(names.some((t) => t.includes('Бекзат')), names.join('\n'));
  assert.ok(!names.some((t) => t.includes('Ерлан') && t.includes('Математика')), names.join('\n'));
  assert.ok(!/\b\d{12}\b/.test(await page.locator('main').innerText()), 'no IIN on a public page');
  assert.ok((await scrollWidth(page)) <= PHONE.width, 'no sideways scroll on a phone');
  await screenshot(page, 'olympiad-winners-ru-phone');
  await page.getByLabel(msg('Search', lang), { exact: true }).fill('Дана');
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid=winner]')];
    return rows.length > 0 && rows.every((r) => r.textContent.includes('Дана'));
  });
  await close(ctx);
});

test('the demo pupil downloads a certificate and the page its QR code opens confirms it', async () => {
  const lang = 'kk';
  const pupil = await open(browser, { lang, viewport: PHONE });
  await signIn(pupil.page, lang, 'olympiad.pupil', DEMO_PASSWORD);
  await setLang(pupil.context, lang);
  const { page } = pupil;
  await visit(page, '/olympiad/certificates');
  // The finished demo campaign's (the stage test may add one of the live campaign).
  const rows = page.getByTestId('my-certificate').filter({ hasText: '«Мың бала» демо' });
  await rows.first().waitFor();
  // Participation, and a winner's diploma in each of her two subjects.
  assert.equal(await rows.count(), 3);
  assert.ok((await scrollWidth(page)) <= PHONE.width, 'no sideways scroll on a phone');
  await screenshot(page, 'olympiad-certificates-kk-phone');
  const number = (await rows.first().getByTestId('certificate-number').innerText()).trim();
  assert.match(number, /^\d{4}-\d{6}-[A-Z2-9]{6}$/);
  const download = page.waitForEvent('download');
  await rows.first().getByRole('link', { name: 'PDF' }).click();
  const file = await download;
  const pdf = await import('node:fs').then((fs) => file.path().then((p) => fs.readFileSync(p)));
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  await close(pupil);

  // Anyone (no sign-in) who scans the code sees it confirmed, in their language.
  const guest = await open(browser, { lang: 'ru', viewport: PHONE });
  await visit(guest.page, `/olympiad/certificate/${number}`);
  await guest.page.getByTestId('certificate-valid').waitFor();
  assert.ok((await guest.page.locator('main').innerText()).includes('Әлия Нұрланқызы Сапарова'));
  await screenshot(guest.page, 'olympiad-certificate-check-ru-phone');
  const fake = number.replace(/.{6}$/, 'ZZZZZZ');
  const r = await guest.page.goto(`${BASE}/olympiad/certificate/${fake}`);
  assert.equal(r.status(), 200);
  const unknown = guest.page.getByTestId('certificate-unknown');
  await unknown.waitFor();
  assert.equal((await unknown.innerText()).trim(), msg('OlyCertUnknown', 'ru').replace('{number}', fake));
  await close(guest);
});

test('a winner applies to a specialised school with a document; the school sees it; the family looks it up', async () => {
  const lang = 'kk';
  const pupil = await open(browser, { lang, viewport: PHONE });
  await signIn(pupil.page, lang, 'olympiad.pupil', DEMO_PASSWORD);
  await setLang(pupil.context, lang);
  const { page } = pupil;
  await visit(page, '/olympiad/apply');
  const application = page.getByTestId('application').filter({ hasText: '«Мың бала» демо' });
  const form = application.getByTestId('application-form');
  await form.getByLabel(msg('OlyChoiceN', lang).replace('{n}', '1'), { exact: true }).selectOption({ label: 'Көкшетау физика-математика мектебі' });
  await form.getByRole('button', { name: msg('OlySendApplication', lang), exact: true }).click();
  await application.getByTestId('placement-result').filter({ hasText: msg('OlyPlacementPending', lang) }).waitFor();
  // A document: refused when it is not a PDF or a picture, kept when it is.
  const upload = application.getByTestId('application-upload');
  await upload.locator('input[type=file]').setInputFiles({ name: 'diploma.pdf', mimeType: 'application/pdf', buffer: Buffer.from('not a pdf') });
  await upload.getByRole('button', { name: msg('OlyAttach', lang), exact: true }).click();
  await application.getByText(msg('ErrOlyDocumentKind', lang)).waitFor();
  await upload.locator('input[type=file]').setInputFiles({ name: 'diploma.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%demo\n') });
  await upload.getByRole('button', { name: msg('OlyAttach', lang), exact: true }).click();
  await application.getByTestId('application-files').getByText('diploma.pdf').waitFor();
  assert.ok((await scrollWidth(page)) <= PHONE.width, 'no sideways scroll on a phone');
  await screenshot(page, 'olympiad-apply-kk-phone');
  // Her winner's diploma number, for the family's look-up.
  await visit(page, '/olympiad/certificates');
  const diploma = page.getByTestId('my-certificate').filter({ hasText: '«Мың бала» демо' }).filter({ hasText: 'Математика' });
  const number = (await diploma.getByTestId('certificate-number').innerText()).trim();
  await close(pupil);

  // The specialised school's admissions (Russian) see her, with the document.
  const school = await open(browser, { lang: 'ru' });
  await signIn(school.page, 'ru', 'gifted.school', DEMO_PASSWORD);
  await setLang(school.context, 'ru');
  await visit(school.page, '/olympiad/applicants');
  const row = school.page.getByTestId('applicant').filter({ hasText: 'Әлия Нұрланқызы Сапарова' });
  await row.waitFor();
  await row.getByRole('link', { name: 'diploma.pdf' }).waitFor();
  await close(school);

  // The family (English, no account) looks the result up with the IIN and the diploma number.
  const family = await open(browser, { lang: 'en', viewport: PHONE });
  await visit(family.page, '/olympiad/placement');
  await family.page.getByLabel(msg('Iin', 'en'), { exact: true }).fill(validIin('130315', 6, 0));
  await family.page.getByLabel(msg('OlyDiplomaNumber', 'en'), { exact: true }).fill(number);
  await family.page.getByRole('button', { name: msg('OlyFind', 'en'), exact: true }).click();
  const result = family.page.getByTestId('lookup-result');
  await result.waitFor();
  assert.ok((await result.innerText()).includes(msg('OlyPlacementPending', 'en')));
  await close(family);
});

test('the operator finds a teacher of the live campaign and corrects their phone; the search then finds the new one', async () => {
  const lang = 'ru';
  const admin = await open(browser, { lang, viewport: PHONE });
  await signIn(admin.page, lang, 'admin', DEMO_PASSWORD);
  await setLang(admin.context, lang);
  const { page } = admin;
  await visit(page, '/olympiad/operator');
  await page.getByTestId('people-link').first().waitFor();
  // The live demo campaign «Мың бала» 2027 is the second.
  await visit(page, '/olympiad/people?campaign=2');
  const search = page.getByLabel(msg('OlyPeopleSearch', lang), { exact: true });
  await search.fill('ӘЛИЕВА');
  const found = page.getByTestId('people-found');
  const row = found.locator('tr', { hasText: 'Гүлнар Маратқызы Әлиева' });
  await row.waitFor();
  await row.getByRole('button', { name: msg('OlyCorrect', lang), exact: true }).click();
  const form = page.getByTestId('people-correct');
  const phone = form.getByLabel(msg('Phone', lang), { exact: true });
  await phone.fill('12');
  await form.getByRole('button', { name: msg('Save', lang), exact: true }).click();
  await form.getByText(msg('ErrPhoneFormat', lang)).waitFor();
  await phone.fill('8 (705) 555 12 34');
  await form.getByRole('button', { name: msg('Save', lang), exact: true }).click();
  await form.getByText(msg('Saved', lang)).waitFor();
  assert.ok((await scrollWidth(page)) <= PHONE.width, 'no sideways scroll on a phone');
  await screenshot(page, 'olympiad-people-ru-phone');
  await search.fill('7055551234');
  await found.locator('tr', { hasText: 'Гүлнар Маратқызы Әлиева' }).waitFor();
  await close(admin);
});

test('the teacher registration takes a pasted IIN with spaces around it and refuses a 13-digit paste at the IIN', async () => {
  const lang = 'en';
  const n = uniq();
  const ctx = await open(browser, { lang });
  const { page } = ctx;
  await visit(page, '/olympiad/register');
  await chooseOption(page.getByLabel(msg('OlyCampaign', lang), { exact: true }), '«Мың бала» 2027');
  await page.getByLabel(msg('FullName', lang), { exact: true }).fill(`Айгүл Серікқызы ${n}`);
  await page.getByLabel(msg('Phone', lang), { exact: true }).fill(`+7 705 ${n.slice(-7, -4)} ${n.slice(-4, -2)} ${n.slice(-2)}`);
  await page.getByLabel(msg('Email', lang), { exact: true }).fill(`paste${n}@example.kz`);
  await page.getByLabel(msg('OlySchool', lang), { exact: true }).first().fill('AK-BUR');
  const school = page.locator('select#f-school_id');
  await school.waitFor();
  await school.selectOption({ index: 0 });
  await page.getByLabel(msg('Password', lang), { exact: true }).fill(`Olymp-${n}-pass`);
  const iinField = page.getByLabel(msg('Iin', lang), { exact: true });
  // Pasted, as from a document: 13 digits are an error at the IIN, not silently another IIN.
  await iinField.fill('');
  await iinField.focus();
  await page.keyboard.insertText('6110044636701');
  assert.equal(await iinField.inputValue(), '6110044636701', 'the field keeps what was pasted');
  await page.getByRole('button', { name: msg('Register', lang), exact: true }).click();
  await field(page, msg('Iin', lang)).locator('.error', { hasText: msg('ErrIinLength', lang) }).waitFor();
  // The same number with spaces around it is accepted as it is (trimmed, not cut).
  await iinField.fill('');
  await iinField.focus();
  await page.keyboard.insertText(' 611004463670 ');
  assert.equal(await iinField.inputValue(), ' 611004463670 ');
  await page.getByRole('button', { name: msg('Register', lang), exact: true }).click();
  await page.getByText(msg('OlyCodeSentToEmail', lang)).waitFor();
  // The family's placement look-up keeps a paste as it is too, and says what is wrong with it.
  await visit(page, '/olympiad/placement');
  const lookupIin = page.getByLabel(msg('Iin', lang), { exact: true });
  await lookupIin.focus();
  await page.keyboard.insertText(' 6110044636701 ');
  assert.equal(await lookupIin.inputValue(), ' 6110044636701 ');
  await page.getByLabel(msg('OlyDiplomaNumber', lang), { exact: true }).fill('2027-000042-K7QF3M');
  await page.locator('form', { has: lookupIin }).locator('button[type=submit]').click();
  await field(page, msg('Iin', lang)).locator('.error', { hasText: msg('ErrIinLength', lang) }).waitFor();
  await close(ctx);
});
