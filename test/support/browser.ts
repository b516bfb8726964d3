import { existsSync } from 'node:fs';
import { Browser, chromium, ConsoleMessage, Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it when missing). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * This machine's network is closed: without these, Chromium's background connections (updates, sync, QUIC
 * probes) are refused many at a time. Playwright adds --headless and a fresh, empty --user-data-dir itself.
 */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/**
 * Collects what a page says went wrong: CSP violations and other console errors, and uncaught exceptions, so a
 * test can assert there were none.
 */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    // A refused request is the API's answer the test asked for (401/403 ...); the test asserts on it itself.
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}
