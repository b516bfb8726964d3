import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SystemUnderTest } from '@app/testing';

const MODE = (process.env.E2E_MODE ?? 'standalone') as 'standalone' | 'distributed';
const ROOT = resolve(__dirname, '../..');

const integration = (name: string) => ({ name, description: 'survives', type: 'REST_API', direction: 'OUTBOUND', connection: { url: 'https://api.example.com' } });

describe(`Startup and failure behaviour (${MODE})`, () => {
  it.each([
    ['MCP_SERVER_PORT', 'abc', /^Invalid configuration: server\.port \(from MCP_SERVER_PORT\): must be a number/],
    ['MCP_LOGGING_LEVEL', 'LOUD', /^Invalid configuration: logging\.level \(from MCP_LOGGING_LEVEL\): must be one of/],
    ['DATABASE_URL', 'mysql://db/x', /^Invalid configuration: database\.url \(from DATABASE_URL\): must be a URL with scheme postgres/],
    ['MCP_SECURITY_ENCRYPTION_KEY', 'c2hvcnQ=', /^Invalid configuration: security\.encryption_key \(from MCP_SECURITY_ENCRYPTION_KEY\): must be 32 bytes/],
    ['MCP_CONFIG_PATH', '/nonexistent/config.yaml', /^Invalid configuration|config file .* file not found/],
  ])('refuses to start with %s=%s, in one line that names the setting', (name, value, expected) => {
    const app = MODE === 'standalone' ? 'standalone' : 'gateway';
    const env = { PATH: process.env.PATH ?? '', [name]: value, MCP_DATA_DIR: join(tmpdir(), 'mcp-never-used') };
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/apps', app, 'src/main.js')], { env, encoding: 'utf8', timeout: 20000 });
    expect(r.status).toBe(78);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
  });

  it('refuses an unknown key in the YAML file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-cfg-'));
    try {
      require('node:fs').writeFileSync(join(dir, 'c.yaml'), 'server:\n  port: 8000\n  prot: 9\n');
      const r = spawnSync(process.execPath, [join(ROOT, 'dist/apps/standalone/src/main.js'), '--config', join(dir, 'c.yaml')], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 20000 });
      expect(r.status).toBe(78);
      expect(r.stderr.trim()).toBe('Invalid configuration: unknown key server.prot');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  if (MODE === 'standalone') {
    it('keeps integrations across a restart (embedded PostgreSQL on disk)', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'mcp-restart-'));
      try {
        let sut = await SystemUnderTest.start('standalone', { dataDir });
        const created = (await sut.api().post('/api/v1/integrations', { ...integration('persisted'), auth: { type: 'BASIC', username: 'u', password: 'pw-SECRET' } })).body;
        expect(created.id).toBeDefined();
        await sut.stop();
        expect(sut.procs.get('standalone')!.child.exitCode).toBe(0);

        sut = await SystemUnderTest.start('standalone', { dataDir });
        try {
          const got = await sut.api().get(`/api/v1/integrations/${created.id}`);
          expect(got.status).toBe(200);
          expect(got.body).toEqual(created);
          // the key generated on first start was reused: the sealed secret still opens
          const put = await sut.api().put(`/api/v1/integrations/${created.id}`, { ...integration('persisted'), auth: { type: 'BASIC', username: 'u', password: '********' } });
          expect(put.status).toBe(200);
        } finally {
          await sut.stop();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }, 120000);
  }

  if (MODE === 'distributed') {
    describe('with integration-service stopped', () => {
      let sut: SystemUnderTest;
      beforeAll(async () => {
        sut = await SystemUnderTest.start('distributed', { env: { MCP_NATS_REQUEST_TIMEOUT_MS: '2000' } });
      }, 120000);
      afterAll(() => sut?.stop(), 60000);

      it('answers 503 problem+json at once, and recovers without a gateway restart', async () => {
        const http = sut.api();
        const created = (await http.post('/api/v1/integrations', integration('before-outage'))).body;
        expect(created.id).toBeDefined();

        await sut.stopApp('integration-service');
        const started = Date.now();
        const down = await http.get(`/api/v1/integrations/${created.id}`);
        expect(Date.now() - started).toBeLessThan(2500);
        expect(down.status).toBe(503);
        expect(down.headers.get('content-type')).toContain('application/problem+json');
        expect(down.headers.get('retry-after')).toBe('5');
        expect(down.body).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
        const write = await http.post('/api/v1/integrations', integration('during-outage'));
        expect(write.status).toBe(503);

        // the gateway itself stays live and says who is missing
        expect((await fetch(`${sut.baseUrl}/health/live`)).status).toBe(200);
        const system = await http.get('/api/v1/system/health');
        expect(system.body.missing).toEqual(['integration-service']);

        await sut.spawnApp('integration-service');
        const up = await http.get(`/api/v1/integrations/${created.id}`);
        expect(up.status).toBe(200);
        expect(up.body.name).toBe('before-outage');
        expect((await http.get('/api/v1/integrations?q=during-outage')).body.total).toBe(0);
      }, 90000);
    });
  }
});
