import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, pageProblems, SystemUnderTest } from '@app/testing';

/**
 * The web console in Debian's Chromium against the real standalone system (as `npm start` runs it): one system
 * and one browser for the whole file.
 */
describe('Web console (standalone, Chromium)', () => {
  let sut: SystemUnderTest;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    [sut, browser] = await Promise.all([SystemUnderTest.start('standalone'), launchBrowser()]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await sut?.stop();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    problems = pageProblems(page);
  });

  afterEach(async () => {
    await context.close();
    expect(problems).toEqual([]);
  });

  describe('serving', () => {
    it('serves the console at / under a strict CSP, and it renders without violating it', async () => {
      const res = await page.goto(`${sut.baseUrl}/`);
      expect(res?.status()).toBe(200);
      const csp = res!.headers()['content-security-policy'];
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(res!.headers()['cache-control']).toBe('no-cache');
      await page.locator('h1').first().waitFor();
    });

    it('answers client routes with the page, and leaves the API, probes and unknown API paths alone', async () => {
      const html = { accept: 'text/html' };
      const client = await fetch(`${sut.baseUrl}/resources?type=ec2:instance`, { headers: html });
      expect(client.status).toBe(200);
      expect(client.headers.get('content-type')).toContain('text/html');
      for (const path of ['/api/v1/nope', '/api', '/health/nope', '/metrics/x', '/mcp', '/.well-known/nope']) {
        const res = await fetch(`${sut.baseUrl}${path}`, { headers: html });
        expect({ path, status: res.status, type: res.headers.get('content-type') }).toEqual({ path, status: 404, type: expect.stringContaining('application/problem+json') });
        expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      }
      // Something that is not a browser navigation gets the API's 404, not a page.
      const script = await fetch(`${sut.baseUrl}/resources`, { headers: { accept: 'application/json' } });
      expect(script.status).toBe(404);
      expect((await fetch(`${sut.baseUrl}/health/live`)).status).toBe(200);
      expect((await fetch(`${sut.baseUrl}/api/docs-json`)).status).toBe(200);
      const unauth = await fetch(`${sut.baseUrl}/api/v1/integrations`, { headers: html });
      expect(unauth.status).toBe(401);
    });

    it('serves hashed assets for a year, compressed when the client takes it', async () => {
      const index = await (await fetch(`${sut.baseUrl}/`, { headers: { accept: 'text/html' } })).text();
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(index)?.[1];
      expect(script).toBeDefined();
      const res = await fetch(`${sut.baseUrl}${script}`, { headers: { 'accept-encoding': 'br' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('content-encoding')).toBe('br');
      expect(res.headers.get('content-type')).toContain('javascript');
    });
  });
});
