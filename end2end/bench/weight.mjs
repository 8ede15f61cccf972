// What a first visit costs (issue 15): for a phone on a mobile network and for a desktop, cold
// cache, the time until the page is interactive (its wasm instantiated and hydrated) and the
// bytes transferred, for the sign-in page and a candidate's exam page (the candidate's bundle)
// and a teacher's page (the whole app). Run by scripts/bench-weight.sh against a release build;
// prints a Markdown table.
//
// Phone: Lighthouse's mobile profile (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up, CPU
// 4x slower), 360x740, touch. Desktop: no throttling, 1280x800. Each cell is the median of
// RUNS cold visits (a fresh browser context each time, so nothing is cached).

import { chromium } from 'playwright-core';

const BASE = process.env.TALAP_BASE_URL || 'http://127.0.0.1:3300';
const RUNS = Number(process.env.TALAP_BENCH_RUNS || 3);
const CANDIDATE = { login: process.env.TALAP_BENCH_LOGIN || 'student1', password: process.env.TALAP_BENCH_PASSWORD || 'talap-demo-2026' };

const PROFILES = {
  phone: {
    context: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
      userAgent: 'Mozilla/5.0 (Linux; Android 13; SM-A135F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36' },
    network: { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 },
    cpu: 4,
  },
  desktop: { context: { viewport: { width: 1280, height: 800 } }, network: null, cpu: 1 },
};
// The baseline, measured in the same run: the phone asking for files without compression, as
// every browser got them before the server sent precompressed ones.
PROFILES['phone, uncompressed (baseline)'] = { ...PROFILES.phone, identity: true };

// A teacher's page loads the whole app's bundle (every page that is not a candidate's).
const TEACHER = { login: process.env.TALAP_BENCH_TEACHER || 'teacher', password: CANDIDATE.password };

async function signedInCookies(browser, who = CANDIDATE) {
  const ctx = await browser.newContext({ baseURL: BASE });
  const r = await ctx.request.post('/api/auth/login', { form: { login: who.login, password: who.password }, headers: { accept: 'application/json', origin: BASE } });
  if (!r.ok() && r.status() !== 302) throw new Error(`sign-in as ${who.login}: ${r.status()} ${await r.text()}`);
  const cookies = await ctx.cookies();
  await ctx.close();
  return cookies;
}

/** One cold visit: { tti_ms, bytes, requests }. */
async function visit(browser, profile, path, cookies) {
  const p = PROFILES[profile];
  const ctx = await browser.newContext({ baseURL: BASE, ...p.context });
  if (cookies) await ctx.addCookies(cookies);
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (p.network) await cdp.send('Network.emulateNetworkConditions', p.network);
  if (p.cpu > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: p.cpu });
  if (p.identity) await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
  let bytes = 0, requests = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; requests += 1; });
  await page.goto(path, { waitUntil: 'commit', timeout: 120_000 });
  // The app marks the moment hydration has finished (frontend/src/lib.rs).
  const mark = () => performance.getEntriesByName('talap-hydrated').length > 0;
  await page.waitForFunction(mark, null, { timeout: 120_000, polling: 100 });
  const tti = await page.evaluate(() => performance.getEntriesByName('talap-hydrated')[0].startTime);
  // Let requests the hydrated page makes at once (its first data) finish and be counted.
  await page.waitForLoadState('networkidle', { timeout: 60_000 }).catch(() => {});
  await ctx.close();
  return { tti_ms: Math.round(tti), bytes, requests };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
});
try {
  const cookies = await signedInCookies(browser);
  const examPath = process.env.TALAP_BENCH_EXAM_PATH || '/exams';
  const pages = [['sign-in', '/login', null], ['candidate exam page', examPath, cookies],
    ["teacher's journals (whole app)", '/journals', await signedInCookies(browser, TEACHER)]];
  console.log(`| profile | page | interactive (median of ${RUNS}) | transferred | requests |`);
  console.log('|---|---|---|---|---|');
  for (const profile of Object.keys(PROFILES)) {
    for (const [name, path, c] of profile.includes('baseline') ? pages.slice(0, 1) : pages) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await visit(browser, profile, path, c));
      const tti = median(runs.map((r) => r.tti_ms));
      const kib = median(runs.map((r) => r.bytes)) / 1024;
      console.log(`| ${profile} | ${name} (\`${path}\`) | ${(tti / 1000).toFixed(1)} s | ${kib.toFixed(0)} KiB | ${median(runs.map((r) => r.requests))} |`);
    }
  }
} finally {
  await browser.close();
}
