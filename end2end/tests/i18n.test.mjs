// Languages and small screens: the KK / RU / EN switch, no English left in Kazakh and Russian
// pages, no horizontal scrolling on a phone, and screenshots of every page in every language
// (end2end/screenshots/<lang>-<page>-<width>.png) for people to look at.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, close, visit, signIn, setLang, msg, latinLeaks, screenshot, scrollWidth, LANGS, DESKTOP, PHONE, DEMO_PASSWORD } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const GUEST_PAGES = [
  { path: '/', name: 'home', ready: (lang) => ({ role: 'link', name: msg('Register', lang) }) },
  { path: '/login', name: 'login', ready: (lang) => ({ role: 'heading', name: msg('SignInTitle', lang) }) },
  { path: '/register', name: 'register', ready: (lang) => ({ role: 'heading', name: msg('CreateAccount', lang) }) },
  { path: '/olympiad/register', name: 'olympiad-register', ready: (lang) => ({ role: 'heading', name: msg('OlyTeacherRegistration', lang) }) },
  { path: '/olympiad/winners', name: 'olympiad-winners', ready: (lang) => ({ role: 'heading', name: msg('OlyWinners', lang) }) },
  { path: '/olympiad/certificate/2026-000001-234567', name: 'olympiad-certificate-unknown', ready: (lang) => ({ role: 'heading', name: msg('OlyCertCheck', lang) }), testId: 'certificate-unknown' },
  { path: '/olympiad/join', name: 'olympiad-join', ready: (lang) => ({ role: 'heading', name: msg('OlyJoinTitle', lang) }) },
  { path: '/olympiad/placement', name: 'olympiad-placement-lookup', ready: (lang) => ({ role: 'heading', name: msg('OlyPlacementLookup', lang) }) },
];
const ADMIN_PAGES = [
  { path: '/', name: 'home-admin', ready: (lang) => ({ role: 'heading', name: msg('WhatYouCanDo', lang) }) },
  { path: '/admin/users', name: 'admin-users', ready: (lang) => ({ role: 'heading', name: msg('CreateUser', lang) }), testId: 'users' },
  { path: '/admin/audit', name: 'admin-audit', ready: (lang) => ({ role: 'heading', name: msg('AuditLog', lang) }), css: 'table.audit' },
  { path: '/olympiad/operator', name: 'olympiad-operator', ready: (lang) => ({ role: 'heading', name: msg('OlyOperator', lang) }) },
  // The live demo campaign «Мың бала» 2027 is the second.
  { path: '/olympiad/statistics?campaign=2', name: 'olympiad-statistics', ready: (lang) => ({ role: 'heading', name: msg('OlyStatistics', lang) }), testId: 'stat-rows' },
  { path: '/olympiad/people?campaign=2', name: 'olympiad-people', ready: (lang) => ({ role: 'heading', name: msg('OlyPeople', lang) }) },
];
const OLYMPIAD_PUPIL_PAGES = [
  { path: '/olympiad/apply', name: 'olympiad-apply', ready: (lang) => ({ role: 'heading', name: msg('OlyMyApplication', lang) }), testId: 'application' },
  { path: '/olympiad/certificates', name: 'olympiad-certificates', ready: (lang) => ({ role: 'heading', name: msg('OlyMyCertificates', lang) }) },
];
const GIFTED_SCHOOL_PAGES = [
  { path: '/olympiad/applicants', name: 'olympiad-applicants', ready: (lang) => ({ role: 'heading', name: msg('OlyApplicants', lang) }) },
];
const OLYMPIAD_TEACHER_PAGES = [
  { path: '/olympiad/teacher', name: 'olympiad-teacher', ready: (lang) => ({ role: 'heading', name: msg('OlyMyPupils', lang) }) },
];

// The demo journal is the first one (a fresh database per run).
const HEAD_PAGES = [
  { path: '/journals', name: 'journals', ready: (lang) => ({ role: 'heading', name: msg('Journals', lang) }), testId: 'journals' },
  { path: '/journals/1', name: 'journal-grid', ready: (lang) => ({ role: 'link', name: msg('PlanAndLessons', lang) }), testId: 'journal' },
  { path: '/journals/1/plan', name: 'journal-plan', ready: (lang) => ({ role: 'heading', name: msg('Ktp', lang) }), testId: 'lessons' },
  { path: '/journals/1/history', name: 'journal-history', ready: (lang) => ({ role: 'heading', name: msg('MarkHistory', lang) }) },
  { path: '/reports/performance', name: 'performance', ready: (lang) => ({ role: 'heading', name: msg('PerformanceReport', lang) }), css: 'table.perf, [data-testid=perf-empty]' },
  { path: '/certificates', name: 'certificates', ready: (lang) => ({ role: 'heading', name: msg('Certificates', lang) }) },
];
const STUDENT_PAGES = [
  { path: '/my/marks', name: 'my-marks', ready: (lang) => ({ role: 'heading', name: msg('MyMarks', lang) }), testId: 'my-marks' },
  { path: '/my/assignments', name: 'my-assignments', ready: (lang) => ({ role: 'heading', name: msg('MyAssignments', lang) }) },
  { path: '/my/certificates', name: 'my-certificates', ready: (lang) => ({ role: 'heading', name: msg('MyCertificates', lang) }) },
];

// The demo exam is the first one.
const TEACHER_PAGES = [
  { path: '/exams', name: 'exams-teacher', ready: (lang) => ({ role: 'heading', name: msg('Exams', lang) }), testId: 'teaching-exams' },
  { path: '/exams/1/results', name: 'exam-results', ready: (lang) => ({ role: 'heading', name: msg('ItemAnalysis', lang) }), testId: 'unseated' },
];
const PROCTOR_PAGES = [
  { path: '/proctor', name: 'proctor-board', ready: (lang) => ({ role: 'heading', name: msg('ProctorBoard', lang) }) },
  { path: '/proctor/check', name: 'device-check', ready: (lang) => ({ role: 'heading', name: msg('DeviceCheckTitle', lang) }) },
];
STUDENT_PAGES.push({ path: '/exams', name: 'exams-student', ready: (lang) => ({ role: 'heading', name: msg('Exams', lang) }), testId: 'my-exams' });
STUDENT_PAGES.push({ path: '/exams/1/sit', name: 'exam-before-start', ready: (lang) => ({ role: 'heading', name: msg('DeviceCheckTitle', lang) }), testId: 'timer-starts-hint' });

/** The switch's button for `lang` ("KK", "RU", "EN", followed by the language's own name). */
function langButton(page, lang) {
  return page.locator('nav.langs button.lang', { hasText: lang.toUpperCase() });
}

async function switchTo(page, lang) {
  const saved = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/locale' && r.request().method() === 'POST');
  await langButton(page, lang).click();
  const response = await saved;
  assert.ok(response.ok(), `/api/locale answered ${response.status()}`);
}

/** What the sign-in page shows in `lang`. */
async function assertLoginPageIn(page, lang) {
  await page.getByRole('heading', { level: 1, name: msg('SignInTitle', lang), exact: true }).waitFor();
  assert.ok(await page.getByLabel(msg('Login', lang), { exact: true }).isVisible());
  assert.ok(await page.getByLabel(msg('Password', lang), { exact: true }).isVisible());
  assert.ok(await page.getByRole('button', { name: msg('SignIn', lang), exact: true }).isVisible());
  assert.equal(await page.getByRole('link', { name: msg('ForgotPassword', lang), exact: true }).count(), 1);
  assert.equal(await page.locator('html').getAttribute('lang'), lang);
  assert.equal(await page.locator('footer').innerText(), `Talap · ${msg('Tagline', lang)}`);
  assert.equal(await langButton(page, lang).getAttribute('aria-pressed'), 'true');
}

test('the language switch changes the texts at once, without a reload, and keeps the choice after one', async () => {
  const ctx = await open(browser, { lang: 'en' });
  const { page } = ctx;
  await visit(page, '/login');
  await assertLoginPageIn(page, 'en');
  // A marker that a page load would wipe out.
  await page.evaluate(() => { window.__samePage = true; });
  for (const lang of ['ru', 'kk', 'en', 'kk']) {
    await switchTo(page, lang);
    await assertLoginPageIn(page, lang);
    assert.equal(await page.evaluate(() => window.__samePage), true, `switching to ${lang} reloaded the page`);
    assert.equal(await page.title(), `Talap · ${msg('Tagline', lang)}`);
  }
  // The choice (Kazakh) is remembered in a cookie: a reload and another page keep it.
  await page.reload();
  await page.waitForFunction(() => window.__talapHydrated === true);
  await assertLoginPageIn(page, 'kk');
  await visit(page, '/register');
  await page.getByRole('heading', { level: 1, name: msg('CreateAccount', 'kk') }).waitFor();
  const cookies = await ctx.context.cookies();
  assert.equal(cookies.find((c) => c.name === 'talap_lang')?.value, 'kk');
  await close(ctx);
});

/**
 * Visits each page at 1280 px and at 360 px: waits for its content, checks the language,
 * looks for English words in kk/ru, checks there is no horizontal scroll on the phone, and
 * saves both screenshots.
 */
async function checkPages(page, lang, pages, problems) {
  for (const p of pages) {
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await visit(page, p.path);
      const { role, name } = p.ready(lang);
      await page.getByRole(role, { name, exact: true }).first().waitFor();
      if (p.testId) await page.getByTestId(p.testId).waitFor();
      if (p.css) await page.locator(p.css).waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), lang, `${p.path} in ${lang}`);
      if (lang !== 'en') {
        const leaks = await latinLeaks(page);
        if (leaks.length) problems.push(`${lang} ${p.path} @${viewport.width}: English words ${JSON.stringify(leaks)}`);
      }
      if (viewport === PHONE) {
        const width = await scrollWidth(page);
        if (width > PHONE.width) problems.push(`${lang} ${p.path}: scrolls sideways at ${PHONE.width} px (document is ${width} px wide)`);
      }
      await screenshot(page, `${lang}-${p.name}-${viewport.width}`);
    }
  }
}

for (const lang of LANGS) {
  test(`${lang}: pages are in ${lang}, fit a phone screen, and are saved as screenshots`, async () => {
    const issues = [];
    const guest = await open(browser, { lang });
    await checkPages(guest.page, lang, GUEST_PAGES, issues);
    await close(guest);

    const admin = await open(browser, { lang });
    await signIn(admin.page, lang, 'admin', DEMO_PASSWORD);
    // Signing in applies the admin's saved language; these pages are checked in `lang`.
    await setLang(admin.context, lang);
    await checkPages(admin.page, lang, ADMIN_PAGES, issues);
    await close(admin);

    for (const [login, pages] of [['head', HEAD_PAGES], ['student1', STUDENT_PAGES], ['teacher', TEACHER_PAGES], ['proctor', PROCTOR_PAGES], ['olympiad.teacher', OLYMPIAD_TEACHER_PAGES], ['olympiad.pupil', OLYMPIAD_PUPIL_PAGES], ['gifted.school', GIFTED_SCHOOL_PAGES]]) {
      const ctx = await open(browser, { lang });
      await signIn(ctx.page, lang, login, DEMO_PASSWORD);
      await setLang(ctx.context, lang);
      await checkPages(ctx.page, lang, pages, issues);
      await close(ctx);
    }

    assert.deepEqual(issues, []);
  });
}
