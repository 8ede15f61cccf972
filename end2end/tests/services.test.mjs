// The college e-services as an applicant and the clerk live them: a student applies for a
// dormitory place with a document (in Kazakh, on a phone), the clerk returns it for correction,
// the student corrects it, the clerk approves, the student downloads the result PDF and its QR
// check page confirms it to anyone.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, close, visit, signedIn, msg, pdfText } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const PDF = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1');

async function status(page, code) {
  await page.locator(`[data-testid=application-status] [data-status=${code}]`).waitFor();
}

test('a dormitory application goes from the applicant to the clerk and back, and its result checks out', async () => {
  // The applicant, in Kazakh, on a phone.
  const student = await signedIn(browser, 'student2', 'kk', { phone: true });
  const sp = student.page;
  await visit(sp, '/services');
  await sp.getByTestId('service-catalogue').getByRole('link', { name: msg('SvcDormitory', 'kk'), exact: true }).click();
  await sp.getByTestId('service-form').waitFor();
  await sp.locator('#f-category').selectOption('large_family');
  await sp.locator('#f-doc-category').setInputFiles({ name: 'анықтама.png', mimeType: 'image/png', buffer: PNG });
  await sp.getByRole('button', { name: msg('SvcSubmit', 'kk'), exact: true }).click();
  await sp.waitForURL(/\/services\/applications\/\d+$/);
  const id = sp.url().match(/(\d+)$/)[1];
  await status(sp, 'submitted');
  await sp.getByText(msg('SvcStSubmitted', 'kk'), { exact: true }).first().waitFor();
  const width = await sp.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the application page is ${width}px wide on a 360px phone`);

  // The clerk, in Russian: the queue shows it with its deadline; returned for correction.
  const clerk = await signedIn(browser, 'clerk', 'ru');
  const cp = clerk.page;
  await visit(cp, '/services/queue');
  const row = cp.locator(`[data-testid=service-queue] tr[data-application="${id}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), new RegExp(msg('SvcDormitory', 'ru')));
  await row.getByRole('link', { name: id, exact: true }).click();
  await cp.getByTestId('take-form').waitFor();
  await cp.getByRole('button', { name: msg('SvcTake', 'ru'), exact: true }).click();
  await status(cp, 'under_review');
  const comment = 'Приложите справку о составе семьи в формате PDF';
  await cp.getByTestId('return-form').getByLabel(msg('SvcReturnComment', 'ru'), { exact: true }).fill(comment);
  await cp.getByRole('button', { name: msg('SvcReturn', 'ru'), exact: true }).click();
  await status(cp, 'returned');

  // The applicant sees what is asked and corrects it.
  await visit(sp, `/services/applications/${id}`);
  await sp.getByTestId('asked-of-you').getByText(comment).waitFor();
  await sp.locator('#f-doc-category').setInputFiles({ name: 'құрам.pdf', mimeType: 'application/pdf', buffer: PDF });
  await sp.getByRole('button', { name: msg('SvcResubmit', 'kk'), exact: true }).click();
  await status(sp, 'resubmitted');

  // The clerk takes it again and approves: the result is issued.
  await visit(cp, `/services/applications/${id}`);
  await cp.getByTestId('application-files').getByText('құрам.pdf').waitFor();
  await cp.getByRole('button', { name: msg('SvcTake', 'ru'), exact: true }).click();
  await status(cp, 'under_review');
  await cp.getByRole('button', { name: msg('SvcApprove', 'ru'), exact: true }).click();
  await status(cp, 'issued');
  const history = await cp.getByTestId('application-history').innerText();
  assert.match(history, new RegExp(comment));

  // The applicant downloads the result: Kazakh, with the number and the check address.
  await visit(sp, `/services/applications/${id}`);
  const href = await sp.getByTestId('result-pdf').getAttribute('href');
  const res = await sp.request.get(href);
  assert.equal(res.status(), 200);
  const pdf = await res.body();
  const text = pdfText(pdf).join('\n');
  assert.match(text, new RegExp(msg('SvcPdfApproved', 'kk').slice(0, 20)));
  const code = pdf.toString('latin1').match(/\/services\/check\/([A-Za-z0-9_-]+)/)?.[1];
  assert.ok(code, 'the PDF links its check page');

  // Anyone (not signed in) opening the QR code's page sees the document confirmed.
  const anyone = await open(browser, { lang: 'kk' });
  await visit(anyone.page, `/services/check/${code}`);
  await anyone.page.getByTestId('check-verdict').getByText(msg('SvcCheckValid', 'kk')).waitFor();
  const number = (await anyone.page.getByTestId('check-number').innerText()).trim();
  assert.ok(text.includes(number), `the PDF carries the number ${number}`);
  assert.match(await anyone.page.getByTestId('check-person').innerText(), /^\S\*\*\* \S\*\*\*/);

  await close(anyone);
  await close(clerk);
  await close(student);
});
