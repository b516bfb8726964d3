/**
 * `npm run bench:console`: how fast the web console appears, on loopback, in Debian's Chromium (Playwright).
 *
 * Against the standalone system as `npm start` runs it; each load is a fresh browser context (cold cache, new
 * connection), timed from navigation start (performance.timeOrigin) to the moment the element appears in the
 * DOM (a MutationObserver installed before any script runs):
 *   - the sign-in page: its heading (no session);
 *   - the dashboard, signed in: its heading, then the inventory breakdown (its API calls answered);
 *   - the baseline, in the same run: Swagger UI, the gateway's other browser page, to its title.
 * Median and p90 of --loads loads (default 15) each; the console's initial JavaScript, gzipped, from the build.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../test/support/browser';
import { SystemUnderTest } from '../test/support/system';
import { numberArg } from './args';

// Browser globals used inside page scripts (this file is type-checked for Node).
declare const window: any;
declare const document: any;
declare const sessionStorage: { setItem(key: string, value: string): void };
declare const MutationObserver: any;

const ROOT = resolve(__dirname, '../..');
const LOADS = numberArg('loads', 15);

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** Milliseconds from navigation start until each selector first matches, for one cold load. */
async function load(browser: Browser, url: string, selectors: string[], session?: string): Promise<number[]> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    if (session) await context.addInitScript((s) => sessionStorage.setItem('aws-mcp-console.session', s), session);
    await context.addInitScript((sels: string[]) => {
      const w = window as unknown as { __seen: Record<string, number> };
      w.__seen = {};
      const check = () => {
        for (const s of sels) if (w.__seen[s] === undefined && document.querySelector(s)) w.__seen[s] = performance.now();
      };
      new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
    }, selectors);
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    for (const s of selectors) await page.waitForSelector(s, { timeout: 30_000 });
    const seen = await page.evaluate(() => (window as { __seen: Record<string, number> }).__seen);
    return selectors.map((s) => seen[s]);
  } finally {
    await context.close();
  }
}

async function main(): Promise<void> {
  const before = loadavg();
  const budget = execFileSync(process.execPath, [join(ROOT, 'scripts/build-console.js')], { cwd: ROOT, encoding: 'utf8' }).trim();
  const browser = await launchBrowser();
  const sut = await SystemUnderTest.start('standalone');
  try {
    const login = await sut.login();
    const now = Date.now();
    const session = JSON.stringify({
      username: 'admin',
      tokens: { access_token: login.access_token, refresh_token: login.refresh_token, access_expires_at: now + login.expires_in * 1000, refresh_expires_at: now + 7 * 86400_000 },
    });
    const runs = { signIn: [] as number[], dashboardHeading: [] as number[], dashboardData: [] as number[], swagger: [] as number[] };
    // One warm-up of each (the gateway's first requests compile code paths), then alternate so load changes hit all alike.
    await load(browser, `${sut.baseUrl}/`, ['h1']);
    await load(browser, `${sut.baseUrl}/api/docs`, ['.swagger-ui .info .title']);
    for (let i = 0; i < LOADS; i++) {
      runs.signIn.push((await load(browser, `${sut.baseUrl}/`, ['.sign-in h1']))[0]);
      const [h, d] = await load(browser, `${sut.baseUrl}/`, ['.content h1', '.cards-3 .card'], session);
      runs.dashboardHeading.push(h);
      runs.dashboardData.push(d);
      runs.swagger.push((await load(browser, `${sut.baseUrl}/api/docs`, ['.swagger-ui .info .title']))[0]);
    }
    const after = loadavg();
    const stat = (xs: number[]) => ({ median_ms: Math.round(quantile(xs, 0.5)), p90_ms: Math.round(quantile(xs, 0.9)) });
    const result = {
      loads: LOADS,
      load_average: { before: before.map((x) => +x.toFixed(2)), after: after.map((x) => +x.toFixed(2)) },
      bundle: budget,
      sign_in_page: stat(runs.signIn),
      dashboard_heading: stat(runs.dashboardHeading),
      dashboard_with_data: stat(runs.dashboardData),
      baseline_swagger_ui: stat(runs.swagger),
      ratio_sign_in_to_swagger: +(quantile(runs.signIn, 0.5) / quantile(runs.swagger, 0.5)).toFixed(2),
      at: new Date().toISOString(),
    };
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/console.json'), JSON.stringify(result, null, 2) + '\n');
    const row = (name: string, s: { median_ms: number; p90_ms: number }) => `| ${name} | ${s.median_ms} | ${s.p90_ms} |`;
    const md = [
      '# Web console: time to first render on loopback',
      '',
      `${LOADS} cold loads each (fresh browser context), Debian's Chromium headless via Playwright, standalone system on this machine; load average ${result.load_average.before.join(' ')} before, ${result.load_average.after.join(' ')} after.`,
      'Time from navigation start to the element appearing in the DOM.',
      '',
      '| page (until) | median ms | p90 ms |',
      '|---|---:|---:|',
      row('sign-in page (heading)', result.sign_in_page),
      row('dashboard, signed in (heading)', result.dashboard_heading),
      row('dashboard, signed in (inventory breakdown, after its API calls)', result.dashboard_with_data),
      row('baseline: Swagger UI (title)', result.baseline_swagger_ui),
      '',
      `Sign-in page / Swagger UI: ${result.ratio_sign_in_to_swagger}×. Build: ${budget}`,
      '',
    ].join('\n');
    writeFileSync(join(ROOT, 'bench/results/console.md'), md);
    process.stdout.write(md);
  } finally {
    await browser.close();
    await sut.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
