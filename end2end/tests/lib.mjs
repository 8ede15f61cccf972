// Shared helpers of the browser tests: the browser, contexts that record console problems,
// waiting for hydration, the message catalogue (read from the Rust source, so the tests follow
// the texts people see), signing in, the server log and screenshots.
//
// Environment: TALAP_BASE_URL (default http://127.0.0.1:3100), TALAP_SERVER_LOG (the server's
// stdout, where emails are logged when no SMTP is configured), CHROMIUM_PATH, and for a test that
// runs a server of its own (`ownServer`): TALAP_E2E_BIN and TALAP_E2E_SITE (the executable and
// the site scripts/e2e.sh tests).

import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync, mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { spawn, execFileSync } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import zlib from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../..');
export const BASE = (process.env.TALAP_BASE_URL || 'http://127.0.0.1:3100').replace(/\/$/, '');
export const SERVER_LOG = process.env.TALAP_SERVER_LOG || '';
export const SCREENSHOTS = path.join(ROOT, 'end2end', 'screenshots');
export const DEMO_PASSWORD = 'talap-demo-2026';
export const DEMO_LOGINS = ['admin', 'director', 'teacher', 'head', 'clerk', 'proctor', 'school.admin', 'olympiad.teacher', 'gifted.school', 'olympiad.pupil', 'student1', 'student2', 'student3', 'applicant', 'applicant2', 'applicant3'];
export const LANGS = ['kk', 'ru', 'en'];
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 360, height: 740 };

/**
 * A valid IIN: birth date `yymmdd`, century-and-sex digit `c` (3/4: born in the 1900s, 5/6: in
 * the 2000s), then the first serial from `from` whose check digit exists (the official
 * algorithm: weights 1..11, and 3..11,1,2 when the first sum leaves 10).
 */
export function validIin(yymmdd, c, from) {
  for (let serial = from; ; serial++) {
    const first = `${yymmdd}${c}${String(serial % 10_000).padStart(4, '0')}`;
    const d = [...first].map(Number);
    const sum = (w) => d.reduce((acc, x, i) => acc + x * w[i], 0) % 11;
    let check = sum([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    if (check === 10) check = sum([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
    if (check !== 10) return `${first}${check}`;
  }
}

/** Digits only, so names made with it stay free of Latin letters (see `latinLeaks`). */
export function uniq() {
  return `${Date.now() % 1_000_000}${Math.floor(Math.random() * 1000)}`.padStart(9, '0');
}

// ---------------------------------------------------------------------------------------------
// The message catalogue: `Name => ["kk", "ru", "en"],` lines of app/src/i18n/catalog.rs.

const CATALOG = (() => {
  const src = readFileSync(path.join(ROOT, 'app/src/i18n/catalog.rs'), 'utf8');
  const str = '"((?:[^"\\\\]|\\\\.)*)"';
  const re = new RegExp(`^\\s*(\\w+) => \\[${str}, ${str}, ${str}\\],`, 'gm');
  const unescape = (s) => s.replace(/\\(.)/g, '$1');
  const map = new Map();
  for (const m of src.matchAll(re)) map.set(m[1], { kk: unescape(m[2]), ru: unescape(m[3]), en: unescape(m[4]) });
  if (map.size < 50) throw new Error(`could not read the message catalogue (${map.size} messages)`);
  return map;
})();

/** The text of message `name` (as in `Msg::Name`) in language `lang`. */
export function msg(name, lang) {
  const m = CATALOG.get(name);
  if (!m) throw new Error(`no message ${name} in catalog.rs`);
  return m[lang];
}

// ---------------------------------------------------------------------------------------------
// Browser and contexts.

export function launch({ devices = false } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...(devices ? MEDIA_FLAGS : [])],
  });
}

// Chromium's fake devices (`launch({ devices: true })`): a generated camera picture,
// permission prompts answered "allow", and the screen picker answered with the entire screen.
const MEDIA_FLAGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--auto-select-desktop-capture-source=Entire screen',
  '--enable-usermedia-screen-capturing',
];

/** Waits for a step of the device check to reach `state` ("waiting", "running", "passed", "failed"). */
export async function stepState(page, id, state, timeout = 30_000) {
  await page.locator(`[data-testid="${id}"][data-state="${state}"]`).waitFor({ timeout });
}

/**
 * The consent step before proctoring (issue 21), where the page shows it: the person agrees for
 * themselves, or (`guardian`: a parent's or guardian's name) a minor's guardian does. Returns
 * whether the step was shown; the device check follows it. `tap` on a touch screen.
 */
export async function giveConsent(page, { guardian = null, tap = false } = {}) {
  const step = page.getByTestId('consent-step');
  const check = page.getByTestId('device-check');
  await step.or(check).first().waitFor();
  if (!(await step.isVisible())) return false;
  const press = (l) => (tap ? l.tap() : l.click());
  if (guardian) {
    await press(page.getByTestId('consent-by-guardian'));
    await page.locator('#f-guardian_name').fill(guardian);
  } else {
    await press(page.getByTestId('consent-by-person'));
  }
  await press(page.getByTestId('consent-agree'));
  await check.waitFor();
  return true;
}

// window.__talapHydrated is true once the app has hydrated the page: the wasm marks <html> with
// `data-hydrated` when hydration has finished (frontend/src/lib.rs), which is not the moment the
// wasm is instantiated (hydration runs after it, and would wait for code loaded on demand).
const HYDRATION_PROBE = `(() => {
  Object.defineProperty(window, '__talapHydrated', {
    configurable: true,
    get: () => !!document.documentElement && document.documentElement.hasAttribute('data-hydrated'),
  });
})();`;

// A phone (`open(browser, { phone: true })`): 360x740, touch, the mobile layout, Android's
// Chrome, and what every phone browser lacks: screen sharing (Android Chrome and iOS Safari
// have no getDisplayMedia).
export const ANDROID_UA = 'Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36';
const NO_SCREEN_SHARING = `delete MediaDevices.prototype.getDisplayMedia;`;

/**
 * The page hidden, then shown again: a tab switch on a computer, another app or a call on a
 * phone. Headless Chromium has no visible tabs or apps to switch between, so this plays the
 * browser's part: the page reports itself hidden, then visible again.
 */
export async function hiddenAndBack(page) {
  await page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
    delete document.hidden;
    delete document.visibilityState;
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

/**
 * Every control a thumb taps on the page that is smaller than 44x44 CSS px (WCAG 2.5.5):
 * buttons, links styled or placed as controls, form fields, and the labels around choices
 * (the tap lands on the label). Links inside running text are exempt, as in WCAG.
 */
export async function smallTapTargets(page) {
  return page.evaluate(() => {
    const selector = 'button, .button, select, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), textarea, label.option, label.check, .menu a, .lang, nav a, .actions a';
    const small = [];
    for (const el of document.querySelectorAll(selector)) {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
      if (r.width < 43.5 || r.height < 43.5) small.push(`${el.tagName.toLowerCase()}.${el.className} "${(el.innerText || el.getAttribute('name') || '').trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    return small;
  });
}

/**
 * A fresh browser context (own cookies) in language `lang`, with one page. Every console
 * message of type warning or error, and every uncaught page error, lands in `problems`
 * (a hydration mismatch or a wasm panic shows up there). Refused server-function calls
 * (4xx on /api/, e.g. a wrong password) are expected and not counted.
 */
export async function open(browser, { lang = 'en', viewport = DESKTOP, javaScriptEnabled = true, base = BASE, phone = false } = {}) {
  const context = await browser.newContext({
    baseURL: base, javaScriptEnabled, locale: 'en-US',
    ...(phone ? { viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2, userAgent: ANDROID_UA } : { viewport }),
  });
  if (phone) await context.addInitScript(NO_SCREEN_SHARING);
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  await setLang(context, lang);
  if (javaScriptEnabled) await context.addInitScript(HYDRATION_PROBE);
  const problems = [];
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() !== 'warning' && m.type() !== 'error') return;
    const where = m.location()?.url || '';
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()) && where.includes('/api/')) return;
    problems.push(`[${m.type()}] ${m.text()} (${where || page.url()})`);
  });
  page.on('pageerror', (e) => problems.push(`[pageerror] ${e.message} (${page.url()})`));
  return { context, page, problems };
}

/** Closes the context and asserts no console warnings/errors were seen in it. */
export async function close({ context, problems }) {
  await context.close();
  assert.deepEqual(problems, [], `console warnings/errors:\n${problems.join('\n')}`);
}

/** The language cookie the switch sets (overrides the language saved at sign-in). */
export async function setLang(context, lang) {
  await context.addCookies([{ name: 'talap_lang', value: lang, url: BASE }]);
}

/** Waits until the wasm has hydrated the page (so clicks and forms run in the browser). */
export async function hydrated(page) {
  await page.waitForFunction(() => window.__talapHydrated === true, null, { timeout: 30_000 });
  // Let the first reactive updates after hydration settle.
  await page.waitForTimeout(100);
}

/** Goes to `path` and waits for hydration. */
export async function visit(page, urlPath) {
  const response = await page.goto(urlPath);
  assert.ok(response, `no response for ${urlPath}`);
  assert.ok(response.status() < 400, `${urlPath} answered ${response.status()}`);
  await hydrated(page);
  return response;
}

/**
 * Signs in through the form on /login, shown in `lang`; waits for the home page, which comes in
 * the account's saved language (`homeLang` when given, any of the three otherwise).
 */
export async function signIn(page, lang, login, password, homeLang = null) {
  await visit(page, '/login');
  await page.getByLabel(msg('Login', lang), { exact: true }).fill(login);
  await page.getByLabel(msg('Password', lang), { exact: true }).fill(password);
  await page.getByRole('button', { name: msg('SignIn', lang), exact: true }).click();
  await welcomed(page, homeLang);
}

/**
 * Waits for the signed-in home page ("Welcome, <name>" in `lang`, or in any language when
 * null) after signing in or registering (the browser then loads it afresh) and its hydration.
 */
export async function welcomed(page, lang) {
  await page.waitForURL((u) => u.pathname === '/');
  const texts = (lang ? [lang] : LANGS).map((l) => msg('Welcome', l));
  const name = new RegExp(`^(${texts.join('|')}),`);
  await page.getByRole('heading', { level: 1, name }).waitFor();
  await hydrated(page);
}

/** The `.field` block around the input labelled `label` (its label, input, hint, error). */
export function field(page, label) {
  return page.locator('.field', { has: page.getByLabel(label, { exact: true }) });
}

/** Chooses the option of `select` whose text contains `text`. */
export async function chooseOption(select, text) {
  const value = await select.evaluate((el, t) => {
    const o = [...el.options].find((o) => o.textContent.includes(t));
    return o ? o.value : null;
  }, text);
  assert.ok(value !== null, `no option containing "${text}"`);
  await select.selectOption(value);
}

// ---------------------------------------------------------------------------------------------
// Exams.

/** A fresh context in `lang` (see `open`) signed in as demo user `login`, the page in `lang`. */
export async function signedIn(browser, login, lang, options = {}) {
  const ctx = await open(browser, { lang, ...options });
  await signIn(ctx.page, lang, login, DEMO_PASSWORD);
  await setLang(ctx.context, lang);
  return ctx;
}

/** A datetime-local value in Kazakhstan time (UTC+5), `minutes` from now. */
export function kzInput(minutes) {
  return new Date(Date.now() + 5 * 3_600_000 + minutes * 60_000).toISOString().slice(0, 16);
}

/**
 * Imports `gift` (Moodle's GIFT text) into the demo subject's bank through the form on /exams,
 * as the signed-in teacher; waits for the import's success.
 */
export async function importGift(page, lang, gift) {
  await visit(page, '/exams');
  const importForm = page.getByTestId('import-form');
  await importForm.getByLabel(msg('Subject', lang), { exact: true }).selectOption({ label: 'Деректер қоры' });
  await importForm.getByLabel(msg('File', lang), { exact: true }).setInputFiles({ name: 'questions.gift', mimeType: 'text/plain', buffer: Buffer.from(gift) });
  await importForm.getByRole('button', { name: msg('ImportQuestions', lang) }).click();
  await page.getByTestId('import-ok').waitFor();
}

/**
 * Creates an exam for the demo journal ("Деректер қоры") with the form on /exams, as the
 * signed-in teacher, open from an hour ago for three hours. `form`: "test", "ticket" or
 * "offline"; `duration` (minutes), `draw` ("topic: n"), `proctored` (the box set as given; left
 * as it is when undefined) and `lesson` (picks the lesson from the options' texts, e.g.
 * `(texts) => texts.at(-1)`) when given; `fill(form)` for anything else. Waits until the
 * teacher's list shows it; returns the journal's id and the lesson's text.
 */
export async function createExam(page, lang, { title, form = 'test', duration, draw, proctored, lesson, fill }) {
  await visit(page, '/exams');
  const f = page.getByTestId('exam-form');
  const journal = f.getByLabel(msg('Journal', lang), { exact: true });
  const journalId = await journal.evaluate((el) => [...el.options].find((o) => o.textContent.includes('Деректер қоры'))?.value);
  assert.ok(journalId, 'the demo journal is offered');
  await journal.selectOption(journalId);
  await f.getByLabel(msg('Title', lang), { exact: true }).fill(title);
  await f.getByTestId('exam-form-kind').selectOption(form);
  await f.getByLabel(msg('ExamOpens', lang), { exact: true }).fill(kzInput(-60));
  await f.getByLabel(msg('ExamCloses', lang), { exact: true }).fill(kzInput(180));
  if (duration !== undefined) await f.getByLabel(msg('DurationMinutes', lang), { exact: true }).fill(String(duration));
  if (draw !== undefined) await f.getByLabel(msg('ExamDraw', lang), { exact: true }).fill(draw);
  let lessonText = null;
  if (lesson) {
    const select = f.getByLabel(msg('ExamLesson', lang), { exact: true });
    // The journal's lessons come with it: wait for them.
    await select.locator('option').nth(1).waitFor({ state: 'attached' });
    const texts = await select.evaluate((el) => [...el.options].filter((o) => o.value !== '').map((o) => o.textContent));
    lessonText = lesson(texts);
    assert.ok(lessonText, `a lesson among ${texts.length}`);
    await select.selectOption({ label: lessonText });
  }
  if (proctored !== undefined) await f.getByLabel(msg('Proctored', lang), { exact: true }).setChecked(proctored);
  if (fill) await fill(f);
  await f.getByRole('button', { name: msg('NewExam', lang) }).click();
  await page.getByTestId('teaching-exams').getByText(title).waitFor();
  return { journalId, lessonText };
}

/**
 * As the signed-in student: starts `title` from the exams list (no device check: the exam is
 * not proctored) and waits for the paper, hydrated.
 */
export async function startExam(page, title, button = 'start-exam') {
  await visit(page, '/exams');
  await page.getByTestId('my-exams').locator('tr', { hasText: title }).getByTestId(button).click();
  await page.waitForURL(/\/exams\/\d+\/sit$/);
  await hydrated(page);
  await page.getByTestId('begin-exam').click();
  await page.waitForURL(/\/exams\/attempt\/\d+$/);
  await hydrated(page);
}

// ---------------------------------------------------------------------------------------------
// The server log.

/** Current size of the server log, to read only what is written after it. */
export async function logOffset() {
  assert.ok(SERVER_LOG, 'TALAP_SERVER_LOG is not set (run the tests through scripts/e2e.sh)');
  return (await readFile(SERVER_LOG)).length;
}

/**
 * Waits (up to `timeoutMs`) for an email to `to` logged after byte `offset` (the outbox worker
 * logs it when no SMTP is configured) and returns the six-digit code in its body.
 */
export async function emailedCode(to, offset, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = (await readFile(SERVER_LOG)).subarray(offset).toString('utf8').replace(/\x1b\[[0-9;]*m/g, '');
    for (const line of text.split('\n')) {
      // Without SMTP or an SMS gateway the server logs each message with its text.
      const sent = line.includes('email (no SMTP configured') || line.includes('sms (no gateway configured');
      if (!sent || !line.includes(to)) continue;
      const body = line.slice(Math.max(line.indexOf('body='), line.indexOf('text=')));
      const m = body.match(/(?<!\d)(\d{6})(?!\d)/);
      if (m) return m[1];
    }
    if (Date.now() > deadline) throw new Error(`no email with a code to ${to} in ${SERVER_LOG} within ${timeoutMs} ms`);
    await sleep(250);
  }
}

// ---------------------------------------------------------------------------------------------
// A server of the test's own.

/** A TCP port nobody listens on now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A server of the test's own, for a test that stops, restarts or freezes it (the shared server
 * must stay up for the other tests): the executable and site scripts/e2e.sh tests, on a free
 * port, with a fresh SQLite database and the demo data in a folder of its own (kept when
 * TALAP_E2E_KEEP=1). Returns its address and:
 * - stop(): SIGTERM, and SIGKILL if it has not exited within 10 s; start(): the same command
 *   again, on the same port and database, resolved once /healthz answers;
 * - freeze() / resume(): SIGSTOP / SIGCONT (connections are accepted by the kernel, nothing answers);
 * - query(sql): rows of the database as objects (sqlite3 -json), read while it runs;
 * - close(): stops it and removes its folder.
 */
export async function ownServer() {
  const bin = process.env.TALAP_E2E_BIN;
  const site = process.env.TALAP_E2E_SITE;
  assert.ok(bin && site, 'TALAP_E2E_BIN / TALAP_E2E_SITE are not set (run the tests through scripts/e2e.sh)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'talap-own-'));
  mkdirSync(path.join(dir, 'media'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dbFile = path.join(dir, 'talap.db');
  const log = path.join(dir, 'server.log');
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite://${dbFile}?mode=rwc`,
    TALAP_MEDIA_DIR: path.join(dir, 'media'),
    TALAP_DEMO: 'true',
    TALAP_LISTEN: `127.0.0.1:${port}`,
    TALAP_PUBLIC_URL: base,
    TALAP_CONFIG: '/nonexistent/talap.toml',
    LEPTOS_SITE_ROOT: site,
    NO_COLOR: '1',
    RUST_LOG: process.env.RUST_LOG || 'info,sqlx=warn',
  };
  let child = null;
  let exited = null;
  const tail = () => readFileSync(log, 'utf8').split('\n').slice(-30).join('\n');
  async function start() {
    assert.equal(child, null, 'the server is already running');
    const out = openSync(log, 'a');
    child = spawn(bin, [], { env, stdio: ['ignore', out, out] });
    closeSync(out);
    exited = new Promise((resolve) => child.once('exit', resolve));
    for (let i = 0; i < 240; i++) {
      if (child.exitCode !== null) throw new Error(`the own server exited (${child.exitCode}); its log:\n${tail()}`);
      try {
        if ((await fetch(`${base}/healthz`)).ok) return;
      } catch { /* not listening yet */ }
      await sleep(250);
    }
    throw new Error(`no answer on ${base}/healthz; its log:\n${tail()}`);
  }
  async function stop() {
    if (!child) return;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    child = null;
  }
  const signal = (sig) => () => { assert.ok(child, 'the server is not running'); child.kill(sig); };
  await start();
  return {
    base,
    log,
    start,
    stop,
    freeze: signal('SIGSTOP'),
    resume: signal('SIGCONT'),
    query: (sql) => JSON.parse(execFileSync('sqlite3', ['-json', dbFile, sql], { encoding: 'utf8' }) || '[]'),
    async close() {
      await stop();
      if (process.env.TALAP_E2E_KEEP === '1') console.log(`own server kept in ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Language checks and screenshots.

/**
 * Latin-letter words (3+ letters) in the visible text of the page that are not known
 * non-translatable tokens: the brand, login names, e-mail addresses, technical codes shown in
 * <code> (audit actions, addresses, JSON), entity references ("user #12"), the language
 * switch (KK RU EN and the languages' own names), format placeholders (+7 7XX XXX XX XX).
 */
export async function latinLeaks(page, extraTokens = []) {
  const { text, codes } = await page.evaluate(() => ({
    text: document.body.innerText,
    codes: [...document.querySelectorAll('code')].map((c) => c.innerText).filter(Boolean),
  }));
  let t = text;
  for (const c of codes.sort((a, b) => b.length - a.length)) t = t.split(c).join(' ');
  t = t
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, ' ') // e-mail addresses
    .replace(/\bhttps?:\/\/\S+/g, ' ')
    .replace(/\b[a-z_]+ #\d+\b/g, ' ') // audit entity references
    .replace(/\b[a-z_]+\.[a-z_.]*/g, ' ') // codes like user., org.create, school.admin
    .replace(/\b\w*\d\w*\b/g, ' ') // anything with digits (ids, student1, 7XX)
    .replace(/\bX{2,}\b/g, ' '); // phone format placeholder
  const allowed = new Set(['Talap', 'KK', 'RU', 'EN', 'English', 'IIN', 'SMS', 'XLSX', 'PDF', 'GPA', 'Enter', 'CSV', 'GIFT', 'Aiken', 'Moodle', 'XML', 'SQL', 'JPEG', 'PNG', 'WebP', 'DOCX', 'PPTX', 'ODT', 'ODS', 'Word', 'Excel', 'OpenDocument', ...DEMO_LOGINS, ...extraTokens]);
  const words = t.match(/[A-Za-z]{3,}/g) || [];
  return [...new Set(words.filter((w) => !allowed.has(w)))];
}

/** Saves a full-page screenshot as end2end/screenshots/<name>.png; returns its path. */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Width of the document; more than the viewport means a horizontal scroll. */
export function scrollWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

// ---------------------------------------------------------------------------------------------
// Reading our PDFs.

/**
 * The text of a PDF written by app/src/journal/pdf.rs, one string per text-showing operation:
 * objects are split out, Flate streams inflated, each Type0 font's ToUnicode map read, and the
 * content streams' strings decoded with the font set before them (`/F0 12 Tf (..) Tj`). Enough
 * for our own writer (two-byte CIDs, literal or hex strings), not for any PDF.
 */
export function pdfText(buffer) {
  const src = buffer.toString('latin1');
  const objects = new Map();
  for (const m of src.matchAll(/(\d+) 0 obj\b([\s\S]*?)endobj/g)) {
    const body = m[2];
    const at = body.search(/\bstream\r?\n/);
    let dict = body;
    let data = null;
    if (at >= 0) {
      dict = body.slice(0, at);
      const start = m.index + m[0].indexOf(body) + body.indexOf('\n', at) + 1;
      const end = src.indexOf('endstream', start);
      let raw = buffer.subarray(start, end);
      if (/\/FlateDecode/.test(dict)) {
        try { raw = zlib.inflateSync(raw); } catch { raw = zlib.inflateSync(raw.subarray(0, raw.length - 1)); }
      }
      data = raw.toString('latin1');
    }
    objects.set(Number(m[1]), { dict, data });
  }
  const cmapOf = (text) => {
    const map = new Map();
    const utf16 = (hex) => Buffer.from(hex, 'hex').swap16().toString('utf16le');
    for (const b of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
      for (const p of b[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(parseInt(p[1], 16), utf16(p[2]));
    }
    for (const b of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
      for (const p of b[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
        const [lo, hi, first] = [parseInt(p[1], 16), parseInt(p[2], 16), parseInt(p[3], 16)];
        for (let c = lo; c <= hi; c++) map.set(c, String.fromCharCode(first + c - lo));
      }
    }
    return map;
  };
  // Font resource name -> CID -> text.
  const fonts = new Map();
  for (const { dict } of objects.values()) {
    const block = dict.match(/\/Font\s*<<([\s\S]*?)>>/);
    if (!block) continue;
    for (const r of block[1].matchAll(/\/(\S+?)\s+(\d+) 0 R/g)) {
      const font = objects.get(Number(r[2]));
      const uni = font?.dict.match(/\/ToUnicode\s+(\d+) 0 R/);
      const cmap = uni && objects.get(Number(uni[1]))?.data;
      if (cmap) fonts.set(r[1], cmapOf(cmap));
    }
  }
  const decode = (bytes, map) => {
    let out = '';
    for (let i = 0; i + 1 < bytes.length; i += 2) out += map?.get((bytes[i] << 8) | bytes[i + 1]) ?? '';
    return out;
  };
  const literal = (s, i) => {
    // s[i] is '('; returns [bytes, index after ')'].
    const bytes = [];
    let depth = 1;
    for (i += 1; i < s.length; i++) {
      const ch = s[i];
      if (ch === '\\') {
        const n = s[++i];
        const esc = { n: 10, r: 13, t: 9, b: 8, f: 12 }[n];
        if (esc !== undefined) bytes.push(esc);
        else if (/[0-7]/.test(n)) {
          let oct = n;
          while (oct.length < 3 && /[0-7]/.test(s[i + 1])) oct += s[++i];
          bytes.push(parseInt(oct, 8) & 0xff);
        } else if (n === '\r' || n === '\n') { if (n === '\r' && s[i + 1] === '\n') i++; } else bytes.push(n.charCodeAt(0));
      } else if (ch === '(') { depth++; bytes.push(40); } else if (ch === ')') {
        if (--depth === 0) return [bytes, i + 1];
        bytes.push(41);
      } else bytes.push(ch.charCodeAt(0));
    }
    return [bytes, i];
  };
  const texts = [];
  for (const { data } of objects.values()) {
    if (!data || !/\bBT\b/.test(data)) continue;
    let font = null;
    let pending = [];
    for (let i = 0; i < data.length;) {
      const ch = data[i];
      if (ch === '(') { const [b, next] = literal(data, i); pending.push(b); i = next; continue; }
      if (ch === '<' && data[i + 1] !== '<') {
        const end = data.indexOf('>', i);
        pending.push([...Buffer.from(data.slice(i + 1, end).replace(/\s/g, ''), 'hex')]);
        i = end + 1;
        continue;
      }
      const word = data.slice(i).match(/^\S+/)?.[0] ?? '';
      if (word === 'Tf') {
        const m = data.slice(0, i).match(/\/(\S+)\s+[\d.]+\s*$/);
        if (m) font = m[1];
      } else if (word === 'Tj' || word === 'TJ') {
        texts.push(pending.map((b) => decode(b, fonts.get(font))).join(''));
        pending = [];
      }
      i += Math.max(word.length, 1);
    }
  }
  return texts;
}
