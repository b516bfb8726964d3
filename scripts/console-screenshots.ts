/**
 * `npm run docs:screenshots`: a screenshot of every page of the web console, for docs/console.md, taken with
 * Playwright in Debian's Chromium against the real standalone system (moto behind it), seeded through the API
 * with an account, a sync, integrations (one healthy with deliveries, one whose receiver fails), a command and
 * a viewer. Writes docs/console/*.png (1200×760, the viewport only, to keep them small).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/support/browser';
import type { ApiResponse } from '../test/support/http';
import { startMoto } from '../test/support/moto';
import { waitFor } from '../test/support/ports';
import { SystemUnderTest } from '../test/support/system';
import { WebhookSink } from '../test/support/webhook-sink';

const ROOT = resolve(__dirname, __dirname.includes('/dist/') ? '../..' : '..');
const OUT = join(ROOT, 'docs/console');
const ACCOUNT = '123456789012';
const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const [moto, sink, browser] = await Promise.all([startMoto(), WebhookSink.start(), launchBrowser()]);
  const sut = await SystemUnderTest.start('standalone', { env: { ...moto.env, MCP_INTEGRATIONS_ALLOW_OUTBOUND: '127.0.0.0/8', MCP_HEALTH_POLL_INTERVAL_MS: '100', MCP_FLEET_SCHEDULER_INTERVAL_SECONDS: '0' } });
  try {
    const api = sut.api('admin');
    const must = async (p: Promise<ApiResponse>, ok = [200, 201, 202]) => {
      const r = await p;
      if (!ok.includes(r.status)) throw new Error(`seeding failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    await must(api.post('/api/v1/accounts', { account_id: ACCOUNT, name: 'sandbox', regions: ['us-east-1', 'eu-west-1'], tags: { env: 'test', team: 'platform' } }));
    await must(api.post('/api/v1/users', { username: 'vera-viewer', password: 'viewer-password-1', role: 'viewer' }));
    await must(api.post('/api/v1/users', { username: 'oscar-operator', password: 'operator-password-1', role: 'operator' }));
    await must(api.post('/api/v1/api-keys', { name: 'ci-deploy', role: 'operator' }));
    const hook = (name: string, path: string, extra: Record<string, unknown> = {}) => ({
      name,
      description: `Fleet events to ${path}`,
      type: 'WEBHOOK',
      direction: 'OUTBOUND',
      connection: { url: `${sink.url}${path}`, secret: WHSEC },
      health_check: { interval_seconds: 5, failure_threshold: 1 },
      subscriptions: [{ subjects: ['fleet.>'] }],
      ...extra,
    });
    const ops = await must(api.post('/api/v1/integrations', hook('ops-events', '/ops', { tags: { team: 'ops' } })));
    sink.behave('/flaky', () => 500);
    const flaky = await must(api.post('/api/v1/integrations', hook('flaky-receiver', '/flaky', { retry: { max_attempts: 1 } })));
    await must(api.post('/api/v1/integrations', { name: 'exports', description: 'Events as JSON Lines', type: 'FILE', direction: 'OUTBOUND', connection: { path: 'exports/events.jsonl' } }));
    for (const id of [ops.id, flaky.id]) await must(api.post(`/api/v1/integrations/${id}/test`, {}));
    const sync = await must(api.post('/api/v1/inventory/sync', {}));
    await waitFor(async () => (await api.get(`/api/v1/inventory/sync/${sync.id}`)).body.status !== 'RUNNING', 90_000, 500, 'the sync');
    await waitFor(async () => (await api.get(`/api/v1/integrations/${flaky.id}/deliveries?status=DEAD&limit=1`)).body.items.length > 0, 60_000, 500, 'a dead letter');
    const cmd = await must(api.post('/api/v1/commands', { command: 'ec2 describe-vpcs', targets: { account_ids: 'all', regions: '*' } }));
    await waitFor(async () => (await api.get(`/api/v1/commands/${cmd.id}`)).body.status !== 'IN_PROGRESS', 60_000, 500, 'the command');
    // A few health checks for the bars and the chart.
    await waitFor(async () => (await api.get(`/api/v1/integrations/${ops.id}/health/history?limit=5`)).body.items.length >= 4, 60_000, 500, 'health checks');

    const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    const page = await context.newPage();
    const shot = async (name: string, ready: (p: Page) => Promise<unknown>) => {
      await ready(page);
      await page.waitForTimeout(300); // let the last render settle
      await page.screenshot({ path: join(OUT, `${name}.png`) });
      process.stdout.write(`  docs/console/${name}.png\n`);
    };
    await page.goto(`${sut.baseUrl}/`);
    await shot('sign-in', (p) => p.getByRole('heading', { name: 'Sign in to AWS MCP Server' }).waitFor());
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(sut.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await shot('dashboard', (p) => p.getByRole('heading', { name: 'Resources by type' }).waitFor());
    const go = (path: string) => page.goto(`${sut.baseUrl}${path}`);
    await go('/resources?region=us-east-1');
    await shot('resources', (p) => p.getByRole('table', { name: 'Resources' }).getByRole('link').first().waitFor());
    await page.getByRole('table', { name: 'Resources' }).getByRole('link').first().click();
    await shot('resource', (p) => p.getByRole('heading', { name: 'Properties' }).waitFor());
    await go('/accounts');
    await page.getByRole('button', { name: 'Sync sandbox now' }).click();
    await shot('accounts', (p) => p.getByRole('progressbar').first().waitFor());
    await go('/commands');
    await page.getByRole('button', { name: 'Check (dry run)' }).click();
    await shot('commands', (p) => p.getByRole('status', { name: 'Policy verdict' }).waitFor());
    await go(`/commands/${cmd.id}`);
    await page.getByRole('button', { name: `Show output of ${ACCOUNT} us-east-1` }).click();
    await shot('command', (p) => p.getByLabel('Standard output').waitFor());
    await go('/integrations');
    await shot('integrations', (p) => p.getByRole('link', { name: 'ops-events' }).waitFor());
    await go('/integrations/new');
    await page.getByLabel('Name', { exact: true }).fill('new-hook');
    await page.getByRole('textbox', { name: /^URL/ }).fill('http://169.254.169.254/latest');
    await page.getByRole('button', { name: 'Create integration' }).click();
    await shot('integration-new', (p) => p.locator('.field[data-invalid]').first().waitFor());
    await go(`/integrations/${ops.id}`);
    await shot('integration', (p) => p.getByRole('heading', { name: 'Configuration' }).waitFor());
    await go(`/integrations/${ops.id}?tab=health`);
    await shot('integration-health', (p) => p.getByText(/Response time of the last/).waitFor());
    await go(`/integrations/${ops.id}?tab=deliveries`);
    await shot('integration-deliveries', (p) => p.getByRole('table', { name: 'Deliveries' }).getByText('DELIVERED').first().waitFor());
    await go(`/integrations/${flaky.id}?tab=dead-letters`);
    await shot('integration-dead-letters', (p) => p.getByRole('table', { name: 'Dead letters' }).getByText('DEAD').first().waitFor());
    await go('/audit');
    await shot('audit', (p) => p.getByRole('table', { name: 'Audit log' }).getByText('/api/v1/integrations').first().waitFor());
    await go('/users');
    await shot('users', (p) => p.getByText('vera-viewer', { exact: true }).waitFor());
    await go('/api-keys');
    await shot('api-keys', (p) => p.getByText('ci-deploy', { exact: true }).first().waitFor());
    // The same integration as a viewer sees it: no write actions.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').fill('vera-viewer');
    await page.getByLabel('Password').fill('viewer-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await go(`/integrations/${ops.id}`);
    await shot('integration-viewer', (p) => p.getByRole('heading', { name: 'Configuration' }).waitFor());
    await context.close();
  } finally {
    await browser.close();
    await sut.stop();
    await moto.stop();
    await sink.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
