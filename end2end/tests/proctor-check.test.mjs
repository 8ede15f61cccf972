// The proctoring client in a real browser: the device check on /proctor/check with Chromium's
// fake camera and screen, the translated message for every refusal, and an exam sat under
// proctoring that goes offline and comes back without losing evidence. Face detection time and
// long tasks are measured and printed (never asserted: machines are noisy).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, stepState, open, close, visit, hydrated, hiddenAndBack, signIn, setLang, msg, uniq, screenshot, scrollWidth, giveConsent, DEMO_PASSWORD, PHONE } from './lib.mjs';

let browser;
before(async () => { browser = await launch({ devices: true }); });
after(async () => { await browser?.close(); });

// Long tasks (over 50 ms) seen by the page, from its very start.
const LONG_TASKS = `(() => {
  window.__longTasks = [];
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration)); })
      .observe({ type: 'longtask', buffered: true });
  } catch (e) { /* no longtask timing in this browser */ }
})();`;

/** A context signed in as `login`, showing pages in `lang`, with the long-task recorder. */
/** What the sitting test leaves for the reviewer's test (node runs a file's tests in order). */
const sat = { title: null };

async function as(login, lang, { initScript = null, viewport } = {}) {
  const ctx = await open(browser, { lang, ...(viewport ? { viewport } : {}) });
  await ctx.context.addInitScript(LONG_TASKS);
  if (initScript) await ctx.context.addInitScript(initScript);
  await signIn(ctx.page, lang, login, DEMO_PASSWORD);
  await setLang(ctx.context, lang);
  return ctx;
}

/** What the page measured: face detections (ms each) and long tasks (ms each). */
async function figures(page) {
  return page.evaluate(() => ({
    detections: performance.getEntriesByName('talap-face-detect').map((e) => Math.round(e.duration * 10) / 10),
    longTasks: window.__longTasks || [],
  }));
}

function stats(list) {
  if (!list.length) return 'none';
  const sorted = [...list].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return `n=${sorted.length} min=${sorted[0]} median=${sorted[Math.floor(sorted.length / 2)]} max=${sorted[sorted.length - 1]} mean=${mean.toFixed(1)}`;
}

/** Runs the camera part of the check and returns the faces the server saw. */
async function passCamera(page, lang) {
  // Long tasks are counted from here on (not the page's load and hydration).
  await page.evaluate(() => { window.__longTasks = []; });
  await page.getByTestId('check-camera-start').click();
  await stepState(page, 'check-camera', 'passed');
  await stepState(page, 'check-preview', 'passed');
  await stepState(page, 'check-snapshot', 'passed');
  const faces = page.getByTestId('check-faces');
  await faces.waitFor();
  const n = Number(await faces.getAttribute('data-faces'));
  const expected = n === 0 ? 'FacesNone' : n === 1 ? 'FacesOne' : 'FacesMany';
  assert.equal((await faces.innerText()).trim(), msg(expected, lang));
  return n;
}

// Replaces getDisplayMedia: refuses like a candidate pressing "Cancel", or shares a window.
const REFUSE_SCREEN = `navigator.mediaDevices.getDisplayMedia = () => Promise.reject(new DOMException('refused', 'NotAllowedError'));`;
const SHARE_A_WINDOW = `navigator.mediaDevices.getDisplayMedia = async () => {
  const c = document.createElement('canvas'); c.width = 640; c.height = 480;
  const g = c.getContext('2d'); g.fillStyle = '#446'; g.fillRect(0, 0, 640, 480);
  const stream = c.captureStream(5);
  const track = stream.getVideoTracks()[0];
  const settings = track.getSettings.bind(track);
  track.getSettings = () => ({ ...settings(), displaySurface: 'window' });
  window.__sharedWindow = track;
  return stream;
};`;
const DENY_CAMERA = `navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));`;

test('the device check passes with the fake camera and the entire screen; detection is timed', async () => {
  const lang = 'en';
  const ctx = await as('student1', lang);
  const { page } = ctx;
  const snapshots = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/proctor/check')) snapshots.push(r.postDataBuffer()?.length || 0); });
  await visit(page, '/proctor/check');
  await page.getByRole('heading', { level: 1, name: msg('DeviceCheckTitle', lang) }).waitFor();
  assert.equal(await page.getByTestId('devices-ready').count(), 0);
  // Consent comes before the camera: what happens without it, and nothing asked of the camera.
  const consent = page.getByTestId('consent-step');
  await consent.waitFor();
  assert.equal((await page.getByTestId('consent-without').innerText()).trim(), msg('ConsentWithoutCheck', lang));
  assert.equal((await page.getByTestId('consent-kept').innerText()).trim(), msg('ConsentKeptByExam', lang));
  assert.equal(await page.getByTestId('check-camera-start').count(), 0, 'no camera before consent');
  // Agreeing without saying who agrees is refused at the choice.
  await page.getByTestId('consent-agree').click();
  await consent.locator('#f-given_by-error').filter({ hasText: msg('ErrConsentWho', lang) }).waitFor();
  await screenshot(page, 'consent-en');
  assert.ok(await giveConsent(page));

  const faces = await passCamera(page, lang);
  await page.getByTestId('check-screen-start').click();
  await stepState(page, 'check-screen', 'passed');
  await page.getByTestId('devices-ready').filter({ hasText: msg('DevicesReady', lang) }).waitFor();
  const shared = await page.evaluate(() => document.querySelector('[data-testid="check-video"]').videoWidth);
  assert.ok(shared > 0, 'the preview shows the camera');
  await screenshot(page, 'proctor-check-en');

  // More detections for the figures: each new test photo runs the detector again.
  for (let i = 0; i < 5; i++) {
    await page.getByTestId('check-snapshot-retry').click();
    await stepState(page, 'check-snapshot', 'passed');
  }
  const f = await figures(page);
  console.log(`# device check: faces seen by the server in the fake camera's picture: ${faces}`);
  console.log(`# device check: test snapshot bytes: ${snapshots.join(', ')}`);
  console.log(`# device check: face detection ms (320x240): ${stats(f.detections)}`);
  console.log(`# device check: long tasks ms: ${stats(f.longTasks)}`);
  assert.ok(f.detections.length >= 1, 'the browser ran its face detector');

  // The profile shows the consent and withdraws it; the check then asks again.
  await visit(page, '/profile');
  const open = page.getByTestId('consent-open');
  await open.waitFor();
  assert.ok((await open.innerText()).startsWith(msg('ConsentGivenAt', lang).split('{at}')[0]));
  await page.getByTestId('consent-withdraw').click();
  await page.getByTestId('consent-none').waitFor();
  assert.ok((await page.locator('.consent-history li').first().innerText()).includes(msg('ConsentWithdrawnAt', lang).split('{at}')[0].replace(/^; /, '').trim()));
  await visit(page, '/proctor/check');
  await page.getByTestId('consent-step').waitFor();
  assert.equal(await page.getByTestId('check-camera-start').count(), 0, 'withdrawn: no camera');
  await close(ctx);
});

test('refusals are explained in the page language: camera denied, screen refused, a window instead of the screen', async () => {
  // Camera denied (Russian).
  {
    const lang = 'ru';
    const ctx = await as('student2', lang, { initScript: DENY_CAMERA });
    await visit(ctx.page, '/proctor/check');
    await giveConsent(ctx.page);
    await ctx.page.getByTestId('check-camera-start').click();
    await stepState(ctx.page, 'check-camera', 'failed');
    assert.equal((await ctx.page.getByTestId('check-camera-error').innerText()).trim(), msg('ErrCameraDenied', lang));
    await ctx.page.getByTestId('check-camera-retry').waitFor();
    await close(ctx);
  }
  // Screen share refused (Kazakh), on a phone-sized screen.
  {
    const lang = 'kk';
    const ctx = await as('student2', lang, { initScript: REFUSE_SCREEN, viewport: PHONE });
    await visit(ctx.page, '/proctor/check');
    await passCamera(ctx.page, lang);
    await ctx.page.getByTestId('check-screen-start').click();
    await stepState(ctx.page, 'check-screen', 'failed');
    assert.equal((await ctx.page.getByTestId('check-screen-error').innerText()).trim(), msg('ErrScreenRefused', lang));
    assert.equal(await ctx.page.getByTestId('devices-ready').count(), 0);
    assert.ok((await scrollWidth(ctx.page)) <= PHONE.width, 'no horizontal scroll on a phone');
    await screenshot(ctx.page, 'proctor-check-refused-kk-phone');
    await close(ctx);
  }
  // A window shared instead of the entire screen (English): refused, and its capture stopped.
  {
    const lang = 'en';
    const ctx = await as('student2', lang, { initScript: SHARE_A_WINDOW });
    await visit(ctx.page, '/proctor/check');
    await passCamera(ctx.page, lang);
    await ctx.page.getByTestId('check-screen-start').click();
    await stepState(ctx.page, 'check-screen', 'failed');
    assert.equal((await ctx.page.getByTestId('check-screen-error').innerText()).trim(), msg('ErrScreenNotEntire', lang));
    assert.equal(await ctx.page.evaluate(() => window.__sharedWindow.readyState), 'ended');
    await close(ctx);
  }
});

/** "2026-11-23T14:05" in Kazakhstan time (UTC+5), `minutes` from now: a datetime-local value. */
function kzInput(minutes) {
  return new Date(Date.now() + 5 * 3_600_000 + minutes * 60_000).toISOString().slice(0, 16);
}

/** Records in the page's outbox (IndexedDB), once the client has created it. */
function outboxCount(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const r = indexedDB.open('talap-proctor');
    r.onerror = () => reject(r.error);
    r.onsuccess = () => {
      const db = r.result;
      if (!db.objectStoreNames.contains('outbox')) { db.close(); resolve(0); return; }
      const c = db.transaction('outbox').objectStore('outbox').count();
      c.onsuccess = () => { db.close(); resolve(c.result); };
      c.onerror = () => { db.close(); reject(c.error); };
    };
  }));
}

async function number(locator) {
  return Number((await locator.innerText()).trim());
}

/** Lines a lost network leaves in the console (requests that could not be sent). */
function withoutNetworkErrors(problems) {
  return problems.filter((p) => !/net::ERR_(INTERNET_DISCONNECTED|FAILED|NETWORK_CHANGED)/.test(p));
}

test('an exam sat under proctoring: check, capture, offline and back, a reload loses nothing', async () => {
  const lang = 'en';
  const topic = `Бақылау ${uniq()}`;
  const title = `Прокторинг ${uniq()}`;

  // The teacher imports two questions and sets a proctored exam open now, capturing every 10 s.
  const teacher = await as('teacher', lang);
  {
    const { page } = teacher;
    await visit(page, '/exams');
    const gift = `$CATEGORY: ${topic}\n\nҚазақстанның астанасы?{=Астана ~Алматы ~Шымкент}\n\n2 + 2 = ?{=4 ~3 ~5}\n`;
    const importForm = page.getByTestId('import-form');
    const subject = importForm.getByLabel(msg('Subject', lang), { exact: true });
    await subject.selectOption({ label: 'Деректер қоры' });
    await importForm.getByLabel(msg('File', lang), { exact: true }).setInputFiles({ name: 'proctor.gift', mimeType: 'text/plain', buffer: Buffer.from(gift) });
    await importForm.getByRole('button', { name: msg('ImportQuestions', lang) }).click();
    await page.getByTestId('import-ok').waitFor();

    const form = page.getByTestId('exam-form');
    const journal = form.getByLabel(msg('Journal', lang), { exact: true });
    const value = await journal.evaluate((el) => [...el.options].find((o) => o.textContent.includes('Деректер қоры'))?.value);
    assert.ok(value, 'the demo journal is offered');
    await journal.selectOption(value);
    await form.getByLabel(msg('Title', lang), { exact: true }).fill(title);
    await form.getByLabel(msg('ExamOpens', lang), { exact: true }).fill(kzInput(-60));
    await form.getByLabel(msg('ExamCloses', lang), { exact: true }).fill(kzInput(180));
    await form.getByLabel(msg('DurationMinutes', lang), { exact: true }).fill('60');
    await form.getByLabel(msg('ExamDraw', lang), { exact: true }).fill(`${topic}: 2`);
    await form.locator('summary').click();
    await form.getByLabel(msg('SnapshotInterval', lang), { exact: true }).fill('10');
    await form.getByLabel(msg('ScreenInterval', lang), { exact: true }).fill('10');
    await form.getByRole('button', { name: msg('NewExam', lang) }).click();
    await page.getByTestId('teaching-exams').getByText(title).waitFor();
    await close(teacher);
  }

  // The student starts it: the device check comes first, then the questions and the panel.
  const ctx = await as('student3', lang);
  const { page } = ctx;
  const uploads = { webcam: [], screen: [] };
  page.on('request', (r) => {
    if (!r.url().endsWith('/api/proctor/evidence')) return;
    const kind = r.headers()['x-talap-kind'];
    if (uploads[kind]) uploads[kind].push(r.postDataBuffer()?.length || 0);
  });
  await visit(page, '/exams');
  await page.getByTestId('my-exams').locator('tr', { hasText: title }).getByTestId('start-exam').click();
  // The check comes before the attempt exists, so its minutes are not the exam's.
  await page.waitForURL(/\/exams\/\d+\/sit$/);
  // The exam's consent step says how long its images are kept and that it has no online
  // sitting without proctoring.
  await page.getByTestId('consent-step').waitFor();
  assert.equal((await page.getByTestId('consent-kept').innerText()).trim(), msg('ConsentKeptDays', lang).replace('{days}', '90'));
  assert.equal((await page.getByTestId('consent-without').innerText()).trim(), msg('ConsentWithoutNoOnline', lang));
  assert.ok(await giveConsent(page));
  await page.getByTestId('device-check').waitFor();
  await page.getByTestId('timer-starts-hint').waitFor();
  await passCamera(page, lang);
  assert.ok(await page.getByTestId('begin-exam').isDisabled(), 'start waits for the screen');
  await page.getByTestId('check-screen-start').click();
  await stepState(page, 'check-screen', 'passed');
  let consentReads = 0;
  page.on('request', (r) => { if (r.url().endsWith('/api/consent/mine')) consentReads += 1; });
  await page.getByTestId('begin-exam').click();
  // The attempt page goes on with the streams the check opened: no second check.
  await page.waitForURL(/\/exams\/attempt\/\d+$/);
  await page.locator('ol.paper').waitFor();
  assert.equal(await page.getByTestId('device-check').count(), 0, 'the check is not asked twice');
  assert.equal(consentReads, 0, 'nor the consent read again at the start');
  const panel = page.getByTestId('proctor-panel');
  await panel.waitFor();
  await page.locator('ol.paper input[type=radio]').first().check();

  // The first snapshot and screenshot reach the server at once.
  const sent = page.getByTestId('proctor-sent');
  const queued = page.getByTestId('proctor-queued');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="proctor-sent"]').innerText) >= 2, null, { timeout: 30_000 });
  await queued.filter({ hasText: /^0$/ }).waitFor();
  assert.equal((await page.getByTestId('proctor-camera').innerText()).trim(), msg('StateOn', lang));
  assert.equal((await page.getByTestId('proctor-screen').innerText()).trim(), msg('StateOn', lang));
  assert.notEqual((await page.getByTestId('proctor-last-sent').innerText()).trim(), '—');
  await screenshot(page, 'proctor-sitting-en');

  // Offline for a few seconds: what happens meanwhile waits in the outbox, then goes.
  await ctx.context.setOffline(true);
  await page.evaluate(() => document.dispatchEvent(new Event('copy')));
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="proctor-queued"]').innerText) >= 1);
  await page.waitForTimeout(3_000);
  const sentBefore = await number(sent);
  const queuedOffline = await number(queued);
  await ctx.context.setOffline(false);
  await queued.filter({ hasText: /^0$/ }).waitFor({ timeout: 30_000 });
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="proctor-sent"]').innerText) > n, sentBefore);
  console.log(`# sitting: ${queuedOffline} item(s) queued while offline, all sent after coming back`);

  // Switching to another tab, leaving full screen and a right click become events (and
  // violations) on the server; the reviewer's test below finds them.
  // Headless Chromium has no visible tabs to switch between, so the test plays the browser's
  // part of a tab switch: the page reports itself hidden, then visible again.
  await hiddenAndBack(page);
  assert.ok(await page.evaluate(() => document.fullscreenElement !== null), 'the start button put the page in full screen');
  await page.evaluate(() => document.exitFullscreen());
  await page.mouse.click(5, 200, { button: 'right' });
  await queued.filter({ hasText: /^0$/ }).waitFor({ timeout: 30_000 });
  sat.title = title;

  // A reload while the server cannot be reached: the outbox keeps the event, and the attempt
  // page sends it on load, before the check has even been passed again.
  await page.route('**/api/proctor/**', (route) => route.abort());
  await page.evaluate(() => document.dispatchEvent(new Event('paste')));
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="proctor-queued"]').innerText) >= 1);
  assert.ok((await outboxCount(page)) >= 1, 'kept in IndexedDB');
  const f = await figures(page);
  await page.unroute('**/api/proctor/**');
  await page.reload();
  await hydratedAgain(page);
  await page.getByTestId('device-check').waitFor();
  assert.equal(await page.locator('ol.paper').count(), 0, 'the check is asked again after a reload');
  const deadline = Date.now() + 20_000;
  while ((await outboxCount(page)) > 0) {
    assert.ok(Date.now() < deadline, 'the outbox was not sent after the reload');
    await page.waitForTimeout(250);
  }

  console.log(`# sitting: webcam snapshot bytes: ${stats(uploads.webcam)}`);
  console.log(`# sitting: screenshot bytes: ${stats(uploads.screen)}`);
  console.log(`# sitting: face detection ms (320x240): ${stats(f.detections)}`);
  console.log(`# sitting: long tasks ms: ${stats(f.longTasks)}`);
  assert.ok(uploads.webcam.length >= 1 && uploads.screen.length >= 1, 'both kinds of evidence were sent');
  ctx.problems.splice(0, ctx.problems.length, ...withoutNetworkErrors(ctx.problems));
  await close(ctx);
});

test('a computer-only exam tells a phone so on its page, before anything starts', async () => {
  assert.ok(sat.title, 'the exam above was sat');
  const lang = 'ru';
  const ctx = await open(browser, { lang, phone: true });
  const { page } = ctx;
  await signIn(page, lang, 'student2', DEMO_PASSWORD);
  await setLang(ctx.context, lang);
  await visit(page, '/exams');
  await page.getByTestId('my-exams').locator('tr', { hasText: sat.title }).getByTestId('start-exam').tap();
  await page.waitForURL(/\/exams\/\d+\/sit$/);
  await hydrated(page);
  const refusal = page.getByTestId('needs-computer');
  await refusal.waitFor();
  assert.equal((await refusal.innerText()).trim(), msg('ErrExamNeedsComputer', lang));
  assert.equal((await page.getByTestId('proctor-mode').innerText()).trim(), msg('ProctorModeComputer', lang));
  assert.equal(await page.getByTestId('begin-exam').count(), 0, 'nothing to start');
  assert.equal(await page.getByTestId('check-camera-start').count(), 0, 'not even the camera is asked for');
  assert.ok((await scrollWidth(page)) <= PHONE.width, 'no sideways scroll on a phone');
  await screenshot(page, 'exam-needs-computer-ru-phone');
  // The server refuses a camera-only start of it as well, whatever the page does.
  const examId = new URL(page.url()).pathname.split('/')[2];
  const r = await page.request.post('/api/exam/start', { form: { exam_id: examId, capture: 'camera' } });
  assert.ok(r.status() >= 400 && r.status() < 500, `refused: ${r.status()}`);
  assert.ok((await r.text()).includes('ErrExamNeedsComputer'));
  await close(ctx);
});

test('the proctor sees the timeline, confirms a violation, and the exported report counts it', async () => {
  assert.ok(sat.title, 'the exam above was sat');
  const lang = 'ru';
  const ctx = await as('proctor', lang);
  const { page } = ctx;
  await visit(page, '/proctor');
  await page.getByTestId('board-attempt').filter({ hasText: sat.title }).click();
  await page.waitForURL(/\/proctor\/attempt\/\d+$/);
  await hydratedAgain(page);
  // The tab switch and leaving full screen arrived as events, with their translated names.
  const events = page.getByTestId('events');
  for (const kind of ['tab_hidden', 'fullscreen_exit', 'context_menu']) {
    await events.locator(`li[data-kind="${kind}"]`).first().waitFor();
  }
  assert.ok((await events.innerText()).includes(msg('VioTabHidden', lang)));
  assert.ok((await page.getByTestId('evidence').locator('figure[data-kind="webcam"] img').count()) >= 1, 'snapshots are shown');
  assert.ok((await page.getByTestId('evidence').locator('figure[data-kind="screen"] img').count()) >= 1, 'screenshots are shown');
  await screenshot(page, 'proctor-timeline-ru');

  // Confirm the tab switch with a comment.
  const row = page.locator('[data-testid="violation"][data-kind="tab_hidden"][data-status="open"]').first();
  await row.locator('input[name="comment"]').fill('Басқа бетке өтті');
  await row.getByTestId('confirm-violation').click();
  await page.locator('[data-testid="violation"][data-kind="tab_hidden"][data-status="confirmed"]').first().waitFor();
  const confirmed = await page.locator('[data-testid="violation"][data-status="confirmed"]').count();
  const open = await page.locator('[data-testid="violation"][data-status="open"]').count();
  assert.ok(confirmed >= 1);

  // The organisation's report (CSV) has the same counts for this attempt.
  const res = await page.request.get('/export/proctor/organisation.csv?lang=ru');
  assert.equal(res.status(), 200);
  const rows = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
  const header = rows[0];
  const line = rows.find((r) => r.includes(sat.title));
  assert.ok(line, `the report lists the exam ${sat.title}`);
  assert.equal(Number(line[header.indexOf(msg('ViolationsConfirmed', lang))]), confirmed, 'confirmed violations as on the timeline');
  assert.equal(Number(line[header.indexOf(msg('ViolationsOpen', lang))]), open, 'open violations as on the timeline');
  await close(ctx);
});

/** A small CSV reader (quoted fields, doubled quotes, commas or semicolons). */
function parseCsv(text) {
  const sep = text.split('\n', 1)[0].includes(';') ? ';' : ',';
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

/** After a navigation by click or reload, waits for the new page's hydration. */
async function hydratedAgain(page) {
  await page.waitForFunction(() => window.__talapHydrated === true, null, { timeout: 30_000 });
  await page.waitForTimeout(100);
}
