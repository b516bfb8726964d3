/**
 * deploy/aws/ec2: the systemd units (one per app, and aws-mcp.target) pass `systemd-analyze verify` with no
 * finding, carry the keys our policy needs, and their environment files use only setting names the apps know and
 * load through libs/config. Every check is also fed a broken input.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigSchema, loadConfig } from '@app/config';
import { APPS, APP_PORT, findOnPath, knownMcpEnvNames, REPO_ROOT, unknownMcpEnvNames } from './deploy-validation';

const EC2 = join(REPO_ROOT, 'deploy', 'aws', 'ec2');
const unitFile = (app: string) => `aws-mcp-${app}.service`;
const read = (name: string) => readFileSync(join(EC2, name), 'utf8');
/** The per-app secret files, besides aws-mcp.env which every app reads. */
const APP_ENV_FILES: Record<string, string[]> = { gateway: ['gateway.env'], 'integration-service': ['integration-service.env'] };

type Unit = Record<string, Record<string, string[]>>;

/** A unit file's sections and keys (a key may repeat); `\` continuations joined, comments dropped. */
function parseUnit(text: string): Unit {
  const unit: Unit = {};
  let section = '';
  for (const raw of text.replace(/\\\n/g, ' ').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header) {
      section = header[1];
      unit[section] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    if (!section || eq < 1) throw new Error(`not a unit file line: ${line}`);
    const key = line.slice(0, eq).trim();
    (unit[section][key] ??= []).push(line.slice(eq + 1).trim());
  }
  return unit;
}

/** What every app unit must say; returns what is missing or wrong. */
function unitProblems(app: string, unit: Unit): string[] {
  const problems: string[] = [];
  const svc = unit.Service ?? {};
  const one = (key: string) => svc[key]?.at(-1);
  const expect = (ok: boolean, what: string) => ok || problems.push(what);
  expect(!!unit.Unit?.Description?.[0], '[Unit] Description');
  expect(one('ExecStart') === `/usr/bin/node /opt/aws-mcp-server/dist/apps/${app}/src/main.js`, `ExecStart runs dist/apps/${app}/src/main.js with node`);
  const files = svc.EnvironmentFile ?? [];
  for (const f of ['aws-mcp.env', ...(APP_ENV_FILES[app] ?? [])]) expect(files.includes(`/etc/aws-mcp/${f}`), `EnvironmentFile=/etc/aws-mcp/${f}`);
  expect(files.length === 1 + (APP_ENV_FILES[app]?.length ?? 0), 'only its own environment files (no other app\'s secrets)');
  expect(one('DynamicUser') === 'yes' || (!!one('User') && one('User') !== 'root' && one('User') !== '0'), 'a non-root user (DynamicUser=yes)');
  expect(one('NoNewPrivileges') === 'yes', 'NoNewPrivileges=yes');
  expect(one('ProtectSystem') === 'strict', 'ProtectSystem=strict');
  expect(one('PrivateTmp') === 'yes', 'PrivateTmp=yes');
  expect(svc.CapabilityBoundingSet?.at(-1) === '', 'CapabilityBoundingSet= (none)');
  expect(one('Restart') === 'on-failure', 'Restart=on-failure');
  expect(one('RestartPreventExitStatus') === '78', 'RestartPreventExitStatus=78 (a bad setting does not fix itself)');
  expect(Number(one('TimeoutStopSec')) > 20, 'TimeoutStopSec above server.shutdown_grace_ms');
  expect(one('KillMode') === 'mixed', 'KillMode=mixed (SIGTERM to node, which drains)');
  expect((svc.Environment ?? []).join(' ').includes(`MCP_DATA_DIR=/var/lib/aws-mcp-${app}`) && one('StateDirectory') === `aws-mcp-${app}`, 'MCP_DATA_DIR in its own StateDirectory');
  expect(unit.Install?.WantedBy?.includes('aws-mcp.target') ?? false, 'WantedBy=aws-mcp.target');
  return problems;
}

/** systemd's EnvironmentFile format: KEY=VALUE lines, `#` comments, optional quotes. */
function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new Error(`not an environment line: ${line}`);
    env[m[1]] = m[2].replace(/^"(.*)"$|^'(.*)'$/, '$1$2');
  }
  return env;
}

const systemdAnalyze = findOnPath('systemd-analyze');
// Verification needs systemd's own tool (here: systemd 252). Only its absence skips it; the parsed checks below
// run everywhere.
const withSystemd = systemdAnalyze ? describe : describe.skip;
if (!systemdAnalyze) console.warn('systemd-analyze not on PATH: `systemd-analyze verify` of deploy/aws/ec2 is skipped');

/** `systemd-analyze verify` of unit files (copied, so overrides can be tested); its findings, or [] when clean. */
function verify(files: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'aws-mcp-units-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  // spawnSync, not execFileSync: verify reports most findings on stderr with exit code 0.
  const r = spawnSync(systemdAnalyze!, ['verify', '--man=no', ...Object.keys(files).map((f) => join(dir, f))], { encoding: 'utf8', timeout: 60_000 });
  rmSync(dir, { recursive: true, force: true });
  if (r.error) throw r.error;
  return `${r.stdout}${r.stderr}`.split('\n').filter(Boolean);
}

const units = Object.fromEntries([...APPS.map(unitFile), 'aws-mcp.target'].map((f) => [f, read(f)]));

withSystemd('systemd-analyze verify', () => {
  it('finds nothing in the four units and the target', () => {
    // verify warns on stderr and exits 0 for most mistakes, so any output counts.
    expect(verify(units)).toEqual([]);
  });

  it('reports an unknown key, a bad value and a missing program', () => {
    const gateway = units[unitFile('gateway')];
    expect(verify({ [unitFile('gateway')]: gateway.replace('NoNewPrivileges=yes', 'NoNewPrivileges=yes\nProtectSytem=strict') })).toEqual([expect.stringContaining("Unknown key 'ProtectSytem'")]);
    expect(verify({ [unitFile('gateway')]: gateway.replace('Type=exec', 'Type=sometimes') })).toEqual([expect.stringContaining('Failed to parse service type')]);
    expect(verify({ [unitFile('gateway')]: gateway.replace('/usr/bin/node ', '/usr/bin/nodejs-missing ') })).toEqual(expect.arrayContaining([expect.stringContaining('is not executable')]));
  });
});

describe('systemd units', () => {
  it('has one unit per app, and the target wants them all', () => {
    expect(readdirSync(EC2).filter((f) => f.endsWith('.service')).sort()).toEqual(APPS.map(unitFile).sort());
    expect(parseUnit(units['aws-mcp.target']).Unit.Wants.join(' ').split(/\s+/).sort()).toEqual(APPS.map(unitFile).sort());
  });

  it('runs each app non-root, hardened, restarted on failure but not on a bad setting, with its own secrets only', () => {
    for (const app of APPS) expect([app, unitProblems(app, parseUnit(units[unitFile(app)]))]).toEqual([app, []]);
  });

  it('finds a unit running as root, without the hardening, or reading another app\'s secrets', () => {
    const broken = units[unitFile('fleet-service')]
      .replace('DynamicUser=yes', 'User=root')
      .replace('NoNewPrivileges=yes\n', '')
      .replace('EnvironmentFile=/etc/aws-mcp/aws-mcp.env', 'EnvironmentFile=/etc/aws-mcp/aws-mcp.env\nEnvironmentFile=/etc/aws-mcp/gateway.env')
      .replace('RestartPreventExitStatus=78\n', '');
    expect(unitProblems('fleet-service', parseUnit(broken))).toEqual([
      'only its own environment files (no other app\'s secrets)',
      'a non-root user (DynamicUser=yes)',
      'NoNewPrivileges=yes',
      'RestartPreventExitStatus=78 (a bad setting does not fix itself)',
    ]);
    expect(() => parseUnit('[Service]\nnot a key line')).toThrow(/not a unit file line/);
  });
});

describe('environment files', () => {
  const common = parseEnvFile(read('aws-mcp.env'));
  const appEnv = (app: string) => Object.assign({}, common, ...(APP_ENV_FILES[app] ?? []).map((f) => parseEnvFile(read(f))));
  const SECRETS = ['DATABASE_URL', 'MCP_AUTH_JWT_SECRET', 'BOOTSTRAP_ADMIN_PASSWORD', 'MCP_SECURITY_ENCRYPTION_KEY'];

  it('use only names the apps read', () => {
    const known = knownMcpEnvNames(ConfigSchema);
    for (const app of APPS) expect([app, unknownMcpEnvNames(Object.keys(appEnv(app)), known)]).toEqual([app, []]);
    expect(unknownMcpEnvNames(['MCP_SERVER_PORT', 'MCP_SERVER_PROT'], known)).toEqual(['MCP_SERVER_PROT']);
  });

  it('ship no secret values, and keep each secret in the file of the one app that needs it', () => {
    for (const f of ['aws-mcp.env', 'gateway.env', 'integration-service.env']) {
      const env = parseEnvFile(read(f));
      for (const k of SECRETS) if (k in env) expect([f, k, env[k]]).toEqual([f, k, '']);
    }
    expect(Object.keys(common)).not.toEqual(expect.arrayContaining(['MCP_AUTH_JWT_SECRET']));
    expect(Object.keys(common)).not.toEqual(expect.arrayContaining(['MCP_SECURITY_ENCRYPTION_KEY']));
    expect(Object.keys(appEnv('gateway'))).toContain('MCP_AUTH_JWT_SECRET');
    expect(Object.keys(appEnv('integration-service'))).toContain('MCP_SECURITY_ENCRYPTION_KEY');
  });

  it('load through libs/config once the secrets are filled in', () => {
    const filled: Record<string, string> = {
      DATABASE_URL: 'postgresql://mcp:Abc123@db.abc.us-east-1.rds.amazonaws.com:5432/mcp',
      MCP_AUTH_JWT_SECRET: 'j'.repeat(64),
      BOOTSTRAP_ADMIN_PASSWORD: 'p'.repeat(20),
      MCP_SECURITY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    };
    for (const app of APPS) {
      const env = appEnv(app);
      for (const k of SECRETS) if (k in env) env[k] = filled[k];
      const config = loadConfig({ argv: [], env });
      expect(config.server.port).toBe(APP_PORT);
      expect(config.database.url).toBe(filled.DATABASE_URL);
      expect(config.database.ssl).toBe(true);
      expect(config.nats.url).toBe('nats://127.0.0.1:4222');
      expect(config.server.shutdown_grace_ms).toBeLessThan(30_000);
    }
  });

  it('a misspelt line is an error, not a silent no-op', () => {
    expect(() => parseEnvFile('MCP_SERVER_PORT 8000')).toThrow(/not an environment line/);
  });
});
