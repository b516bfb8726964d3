import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, MotoServer, pageProblems, startMoto, SystemUnderTest, WebhookSink } from '@app/testing';

// Browser globals used inside page.evaluate() (this file is type-checked for Node).
declare const document: any;
declare const sessionStorage: { getItem(key: string): string | null };
declare function getComputedStyle(element: unknown): { outlineStyle: string };

const ACCOUNT = '123456789012'; // moto's own account: reached with the service's credentials, no role
const VIEWER = { username: 'vera-viewer', password: 'viewer-password-1' };
const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SESSION_KEY = 'aws-mcp-console.session';

/**
 * The web console in Debian's Chromium against the real standalone system (as `npm start` runs it) with moto
 * behind it: one system, one browser, one page per test.
 */
jest.setTimeout(90_000);

describe('Web console (standalone, Chromium)', () => {
  let sut: SystemUnderTest;
  let moto: MotoServer;
  let sink: WebhookSink;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let admin: ReturnType<SystemUnderTest['api']>;

  beforeAll(async () => {
    [moto, sink, browser] = await Promise.all([startMoto(), WebhookSink.start(), launchBrowser()]);
    // Short health intervals: a receiver going down shows within seconds.
    sut = await SystemUnderTest.start('standalone', { env: { ...moto.env, MCP_INTEGRATIONS_ALLOW_OUTBOUND: '127.0.0.0/8', MCP_HEALTH_POLL_INTERVAL_MS: '100', MCP_FLEET_SCHEDULER_INTERVAL_SECONDS: '0' } });
    admin = sut.api('admin');
    expect((await admin.post('/api/v1/accounts', { account_id: ACCOUNT, name: 'sandbox', regions: ['us-east-1'], tags: { env: 'test' } })).status).toBe(201);
    expect((await admin.post('/api/v1/users', { ...VIEWER, role: 'viewer' })).status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await sut?.stop();
    await moto?.stop();
    await sink?.stop();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    problems = pageProblems(page);
  });

  afterEach(async () => {
    await context.close();
    expect(problems).toEqual([]);
  });

  const focused = () => page.evaluate(() => ({ name: document.activeElement?.name ?? '', text: document.activeElement?.textContent?.trim() ?? '', tag: document.activeElement?.tagName ?? '' }));

  /** Signs in through the form, by keyboard only: Tab to each field, type, Enter. */
  async function signInByKeyboard(username: string, password: string): Promise<void> {
    await page.getByRole('heading', { name: 'Sign in to AWS MCP Server' }).waitFor();
    await page.keyboard.press('Tab');
    expect((await focused()).name).toBe('username');
    await page.keyboard.type(username);
    await page.keyboard.press('Tab');
    expect((await focused()).name).toBe('password');
    // The focus is visible: the focused field has an outline.
    expect(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle)).not.toBe('none');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
  }

  async function signIn(path = '/', who = { username: 'admin', password: sut.adminPassword }): Promise<void> {
    await page.goto(`${sut.baseUrl}${path}`);
    await signInByKeyboard(who.username, who.password);
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
  }

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
      // Not signed in: the sign-in page, remembering where the person wanted to go.
      await page.getByRole('heading', { name: 'Sign in to AWS MCP Server' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/sign-in');
    });

    it('answers client routes with the page, and leaves the API, probes and unknown API paths alone', async () => {
      const html = { accept: 'text/html' };
      const client = await fetch(`${sut.baseUrl}/resources?type=ec2:instance`, { headers: html });
      expect(client.status).toBe(200);
      expect(client.headers.get('content-type')).toContain('text/html');
      for (const path of ['/api/v1/nope', '/api', '/health/nope', '/metrics/x', '/mcp/x', '/.well-known/nope']) {
        const res = await fetch(`${sut.baseUrl}${path}`, { headers: html });
        expect({ path, status: res.status, type: res.headers.get('content-type') }).toEqual({ path, status: 404, type: expect.stringContaining('application/problem+json') });
        expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      }
      // Something that is not a browser navigation gets the API's 404, not a page.
      expect((await fetch(`${sut.baseUrl}/resources`, { headers: { accept: 'application/json' } })).status).toBe(404);
      expect((await fetch(`${sut.baseUrl}/health/live`)).status).toBe(200);
      expect((await fetch(`${sut.baseUrl}/api/docs-json`)).status).toBe(200);
      expect((await fetch(`${sut.baseUrl}/api/v1/integrations`, { headers: html })).status).toBe(401);
      // The start banner names the console's address.
      expect(sut.logOf('standalone')).toContain(`Console: ${sut.baseUrl}/`);
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

  it('signs in by keyboard, skips to content, moves through the navigation by keyboard, and signs out', async () => {
    await signIn('/');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.keyboard.press('Tab');
    expect((await focused()).text).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect((await focused()).text).toContain('AWS MCP Server');
    // Tab along the top bar and the navigation to "Integrations", then Enter.
    for (let i = 0; i < 12 && (await focused()).text !== 'Integrations'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toMatchObject({ tag: 'A', text: 'Integrations' });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
    // The new page's heading has the focus, so the next Tab starts in the page.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to AWS MCP Server' }).waitFor();
    expect(await page.evaluate((k) => sessionStorage.getItem(k), SESSION_KEY)).toBeNull();
  });

  it('syncs an account with visible progress, then filters resources in the URL and opens one', async () => {
    await signIn('/accounts');
    const row = page.getByRole('row', { name: /sandbox/ });
    await row.getByText('OK').waitFor();
    await row.getByRole('button', { name: 'Sync sandbox now' }).click();
    await row.getByRole('progressbar').waitFor();
    await row.getByText(/resources seen: \d+ new/).waitFor({ timeout: 60_000 });
    await row.getByText('SUCCEEDED').waitFor();

    await page.getByRole('link', { name: 'Resources', exact: true }).click();
    await page.getByRole('heading', { name: 'Resources', level: 1 }).waitFor();
    await page.getByLabel('Name contains').fill('');
    await page.getByRole('textbox', { name: 'Tags' }).fill('no:such-tag');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/tag=no%3Asuch-tag/);
    await page.getByText('No resource matches these filters.').waitFor();
    // A filter given in the address is applied as such.
    await page.goto(`${sut.baseUrl}/resources?type=ec2:vpc&region=us-east-1`);
    const link = page.getByRole('table', { name: 'Resources' }).getByRole('link').first();
    await link.waitFor();
    expect(await page.getByRole('table', { name: 'Resources' }).getByRole('row').count()).toBeGreaterThan(1);
    await link.click();
    await page.getByRole('heading', { name: 'Change history' }).waitFor();
    await page.getByRole('heading', { name: 'Properties' }).waitFor();
    expect(await page.getByText('ec2:vpc').count()).toBeGreaterThan(0);
  });

  it('returns to sign-in when the session ends, and back to the same page after signing in again', async () => {
    await signIn('/resources?type=ec2:subnet');
    await page.getByRole('heading', { name: 'Resources', level: 1 }).waitFor();
    const stored = JSON.parse((await page.evaluate((k) => sessionStorage.getItem(k), SESSION_KEY))!);
    // The session is ended elsewhere (another tab signing out, an admin disabling the user...).
    expect((await sut.anonymous().post('/api/v1/auth/logout', { refresh_token: stored.tokens.refresh_token })).status).toBe(204);
    await page.reload();
    await page.getByText('Your session has ended.').waitFor();
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/resources?type=ec2%3Asubnet');
    await signInByKeyboard('admin', sut.adminPassword);
    await page.waitForURL((u) => u.pathname === '/resources' && u.searchParams.get('type') === 'ec2:subnet');
    await page.getByRole('heading', { name: 'Resources', level: 1 }).waitFor();
  });

  it('creates a webhook integration with messages next to the fields, tests it to ACTIVE, and shows its health turn red and green', async () => {
    await signIn('/integrations/new');
    await page.getByRole('heading', { name: 'New integration' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('ops-sink');
    await page.getByRole('textbox', { name: /^URL/ }).fill('not a url');
    await page.getByLabel('Signing secret').fill(WHSEC);
    await page.getByLabel('Every (s)').fill('5');
    await page.getByLabel('Unhealthy after failures').fill('1');
    await page.getByRole('button', { name: 'Create integration' }).click();
    // The API's validation message, next to the field it names (and tied to it for assistive technology).
    const url = page.getByRole('textbox', { name: /^URL/ });
    await page.locator('.field[data-invalid]').filter({ has: url }).waitFor();
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await url.getAttribute('aria-describedby')) ?? '';
    const message = await page.evaluate((ids) => ids.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' '), describedBy);
    expect(message.toLowerCase()).toContain('url');

    await url.fill(`${sink.url}/ops`);
    await page.getByRole('button', { name: 'Create integration' }).click();
    await page.getByRole('heading', { name: 'ops-sink', level: 1 }).waitFor();
    await page.getByText('CONFIGURING').first().waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText('Connection works').waitFor();
    await page.getByRole('heading', { name: /Status/ }).getByText('ACTIVE').waitFor();

    // The views are tabs: arrow keys move between them.
    await page.getByRole('tab', { name: 'Overview' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Health' }).getAttribute('aria-selected')).toBe('true');
    const badge = page.getByTestId('health-status');
    await badge.getByText('HEALTHY', { exact: true }).waitFor({ timeout: 30_000 });
    sink.setHealth(503);
    await badge.getByText('UNHEALTHY', { exact: true }).waitFor({ timeout: 30_000 });
    expect(await badge.locator('.badge').getAttribute('class')).toContain('bad');
    await page.getByRole('img', { name: /checks succeeded, [1-9]\d* failed/ }).waitFor();
    sink.setHealth(200);
    await badge.getByText('HEALTHY', { exact: true }).waitFor({ timeout: 30_000 });
    expect(await badge.locator('.badge').getAttribute('class')).toContain('ok');
    await page.getByText(/Response time of the last \d+ checks/).waitFor();
  });

  it('shows an admin the webhook signing secret only when asked, and rotates it with a grace period', async () => {
    const ops = (await admin.get('/api/v1/integrations?q=ops-sink')).body.items[0];
    await signIn(`/integrations/${ops.id}`);
    await page.getByRole('heading', { name: 'Signing secret' }).waitFor();
    const secret = page.getByLabel('Signing secret value', { exact: true });
    expect(await secret.count()).toBe(0);
    await page.getByRole('button', { name: 'Show signing secret' }).click();
    expect(await secret.textContent()).toBe(WHSEC);
    await page.getByLabel(/^Replaced secret stays valid for/).fill('0');
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate', exact: true }).click();
    await page.waitForFunction((old) => document.querySelector('pre[aria-label="Signing secret value"]')?.textContent !== old, WHSEC);
    const stored = (await admin.get(`/api/v1/integrations/${ops.id}/signing-secret`)).body;
    expect(stored).toMatchObject({ secret: expect.stringMatching(/^whsec_/), previous_secret_expires_at: null });
    expect(stored.secret).not.toBe(WHSEC);
    expect(await secret.textContent()).toBe(stored.secret);
    await page.getByRole('button', { name: 'Hide' }).click();
    expect(await secret.count()).toBe(0);
  });

  it('shows the policy verdict of a dry run, runs a read-only command against moto and reads each target’s output', async () => {
    await signIn('/commands');
    await page.getByRole('heading', { name: 'Run a command' }).waitFor();
    const command = page.getByLabel('AWS CLI command');
    await command.fill('sts get-caller-identity');
    await page.getByRole('button', { name: 'Check (dry run)' }).click();
    const verdict = page.getByRole('status', { name: 'Policy verdict' });
    await verdict.getByText('Allowed by the command policy').waitFor();
    await verdict.getByText(`${ACCOUNT}/us-east-1`).waitFor();
    expect(await verdict.textContent()).toContain('read-only');

    // A mutation without "allow mutations" is refused before anything runs, and the page says why.
    await command.fill('ec2 terminate-instances --instance-ids i-0abc');
    await page.getByRole('button', { name: 'Check (dry run)' }).click();
    await verdict.getByText('Refused by the command policy').waitFor();
    expect(await verdict.textContent()).toContain('mutations are not enabled');
    expect(await page.getByRole('button', { name: /Run on 1 target/ }).isDisabled()).toBe(true);

    await command.fill('sts get-caller-identity');
    await page.getByRole('button', { name: 'Check (dry run)' }).click();
    await verdict.getByText('Allowed by the command policy').waitFor();
    await page.getByRole('button', { name: /Run on 1 target/ }).click();
    await page.waitForURL(/\/commands\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: /SUCCESS.*1 of 1 target/ }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: `Show output of ${ACCOUNT} us-east-1` }).click();
    const stdout = page.getByRole('region', { name: `Output of ${ACCOUNT} us-east-1` }).getByLabel('Standard output');
    await stdout.waitFor();
    expect(await stdout.textContent()).toContain(`"Account": "${ACCOUNT}"`);
    // The history lists it.
    await page.getByRole('link', { name: '← All commands' }).click();
    await page.getByRole('table', { name: 'Command history' }).getByRole('link', { name: 'sts get-caller-identity' }).first().waitFor();
  });

  it('shows a live event as it happens', async () => {
    await signIn('/');
    await page.getByText('connected', { exact: true }).waitFor();
    const created = await admin.post('/api/v1/integrations', { name: 'live-one', description: 'the live feed', type: 'WEBHOOK', direction: 'OUTBOUND', connection: { url: `${sink.url}/live`, secret: WHSEC } });
    expect(created.status).toBe(201);
    const feed = page.getByRole('list', { name: 'Live events, newest first' });
    await feed.getByText('integration.created').waitFor();
    await feed.getByText(created.body.id).first().waitFor();
  });

  it('offers a viewer no write action, and the API refuses a write forged from the page', async () => {
    await signIn('/', VIEWER);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const link of ['Dashboard', 'Resources', 'Accounts', 'Commands', 'Integrations']) await nav.getByRole('link', { name: link, exact: true }).waitFor();
    for (const link of ['Audit log', 'Users', 'API keys']) expect(await nav.getByRole('link', { name: link }).count()).toBe(0);

    await nav.getByRole('link', { name: 'Integrations' }).click();
    await page.getByRole('link', { name: 'ops-sink' }).click();
    await page.getByRole('heading', { name: 'ops-sink', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Configuration' }).waitFor();
    for (const action of ['Test connection', 'Disable', 'Deprecate', 'Delete', 'Show signing secret', 'Rotate secret']) expect(await page.getByRole('button', { name: action }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Signing secret' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    await nav.getByRole('link', { name: 'Accounts' }).click();
    await page.getByRole('row', { name: /sandbox/ }).waitFor();
    for (const action of ['Add account', 'Discover from Organizations', 'Sync all', 'Sync sandbox now']) expect(await page.getByRole('button', { name: action }).count()).toBe(0);
    await nav.getByRole('link', { name: 'Commands' }).click();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Run a command' }).count()).toBe(0);
    // Pages a viewer may not read say so instead of showing nothing.
    await page.goto(`${sut.baseUrl}/audit`);
    await page.getByText('Your role may not open this page.').waitFor();

    // The UI is a convenience; the API decides: a write sent from the page with the viewer's own token is refused.
    const forged = await page.evaluate(async (key) => {
      const token = JSON.parse(sessionStorage.getItem(key)!).tokens.access_token as string;
      const post = (path: string, body: unknown) => fetch(path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const integration = await post('/api/v1/integrations', { name: 'forged', type: 'WEBHOOK', direction: 'OUTBOUND', connection: { url: 'https://example.com/x' } });
      const command = await post('/api/v1/commands', { command: 'sts get-caller-identity', targets: { account_ids: 'all', regions: '*' } });
      return { integration: integration.status, command: command.status, type: integration.headers.get('content-type') };
    }, SESSION_KEY);
    expect(forged).toEqual({ integration: 403, command: 403, type: expect.stringContaining('application/problem+json') });
    expect((await admin.get('/api/v1/integrations?limit=200')).body.items.map((i: any) => i.name)).not.toContain('forged');
  });
});
