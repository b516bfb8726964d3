import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, MotoServer, startMoto, SystemUnderTest, waitFor, WebhookSink } from '@app/testing';

/**
 * The `aws-mcp` command line as a user runs it: the package's bin (bin/aws-mcp.js → dist/apps/cli) spawned as a
 * process per invocation, against the real system with moto_server behind it. Standalone mode walks every verb;
 * distributed mode a representative subset (login, accounts in table and json, a refusal, a fleet command with
 * --wait across accounts × regions, the event stream), since the CLI is the same HTTP client in both.
 */
const MODE = (process.env.E2E_MODE as 'standalone' | 'distributed') ?? 'standalone';
const BIN = resolve(__dirname, '../../bin/aws-mcp.js');
const DEFAULT = '123456789012';
const SECOND = '111111111111';
const REGIONS = ['us-east-1', 'eu-west-1'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe(`aws-mcp CLI (${MODE})`, () => {
  let moto: MotoServer;
  let sut: SystemUnderTest;
  let sink: WebhookSink;
  const home = mkdtempSync(join(tmpdir(), 'aws-mcp-cli-e2e-'));
  const config = join(home, 'xdg');
  const credentialsFile = join(config, 'aws-mcp', 'credentials.json');

  /**
   * One invocation: a fresh process with a clean environment (no AWS_MCP_* of the developer's). `opened`
   * resolves once stderr has said `until` (for a stream that keeps running).
   */
  function start(args: string[], opts: { env?: Record<string, string>; input?: string; until?: string } = {}): { done: Promise<Run>; opened: Promise<void>; kill(): void } {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: config, ...opts.env };
    let opened!: () => void;
    let kill = () => undefined as void;
    const openedP = new Promise<void>((r) => (opened = r));
    const done = new Promise<Run>((finish, fail) => {
      const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      kill = () => void child.kill('SIGKILL');
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => {
        stderr += d;
        if (opts.until && stderr.includes(opts.until)) opened();
      });
      child.on('error', fail);
      child.on('close', (code) => (opened(), finish({ code, stdout, stderr })));
      child.stdin.end(opts.input ?? '');
    });
    return { done, opened: openedP, kill: () => kill() };
  }
  /**
   * A stream's end, or after `ms` a failure that says what the stream and the system printed meanwhile (a silent
   * 60 s timeout says nothing about where the event went).
   */
  async function withinOrExplain(run: { done: Promise<Run>; kill(): void }, ms: number): Promise<Run> {
    let timer!: NodeJS.Timeout;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), ms)));
    const first = await Promise.race([run.done, late]).finally(() => clearTimeout(timer));
    if (first !== 'late') return first;
    run.kill();
    const { stdout, stderr } = await run.done;
    const logs = sut.allLogs().split('\n').filter((l) => /event stream|outbox|integration\.created|"level":"(warn|error)"/i.test(l)).slice(-40).join('\n');
    throw new Error(`no event within ${ms} ms.\ntail stdout: ${stdout}\ntail stderr: ${stderr}\nsystem log (warnings, streams, outbox):\n${logs}`);
  }
  const cli = (args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<Run> => start(args, opts).done;
  const json = (r: Run) => {
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  const profile = (name = 'default') => JSON.parse(readFileSync(credentialsFile, 'utf8')).profiles[name];
  const as = (role: 'viewer' | 'operator') => ['--profile', role];

  beforeAll(async () => {
    moto = await startMoto();
    sink = await WebhookSink.start();
    sut = await SystemUnderTest.start(MODE, {
      // The shortest access-token lifetime the config allows, so that the suite meets a really expired one.
      env: { ...moto.env, MCP_AUTH_ACCESS_TOKEN_TTL_SECONDS: '60', MCP_FLEET_SCHEDULER_INTERVAL_SECONDS: '0', MCP_INTEGRATIONS_ALLOW_OUTBOUND: '127.0.0.0/8' },
    });
  }, 180000);

  afterAll(async () => {
    await sut?.stop();
    await moto?.stop();
    await sink?.stop();
    rmSync(home, { recursive: true, force: true });
  }, 60000);

  it('configure and login store the profile owner-only; login with a wrong password is exit 3 with the problem', async () => {
    const configured = await cli(['configure', '--url', `${sut.baseUrl}/`]);
    expect(configured).toMatchObject({ code: 0, stdout: '' });
    expect(configured.stderr).toContain('no credentials yet');
    expect(statSync(join(config, 'aws-mcp')).mode & 0o777).toBe(0o700);
    expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);

    const wrong = await cli(['login', '-u', 'admin', '--password-stdin'], { input: 'not-the-password\n' });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/^aws-mcp: Invalid username or password \(401 AUTH_INVALID_CREDENTIALS\)\n/);
    expect(wrong.stderr).toMatch(/correlation id: [0-9a-f-]{36}/);

    expect(await cli(['login', '-u', 'admin', '--password-stdin'], { input: `${sut.adminPassword}\n` })).toMatchObject({ code: 0 });
    expect(profile()).toMatchObject({ url: sut.baseUrl, username: 'admin', tokens: { access_token: expect.any(String), refresh_token: expect.stringMatching(/^mcr_/) } });
    expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);

    // API keys for the other roles, made with the CLI and stored in profiles of their own (the key via stdin).
    for (const role of ['operator', 'viewer'] as const) {
      const key = json(await cli(['api-keys', 'create', `cli-${role}`, '--role', role, '-o', 'json', '--query', 'key']));
      expect(key).toMatch(/^mcp_[0-9a-f]{16}_/);
      expect(await cli(['configure', '--profile', role, '--url', sut.baseUrl, '--api-key', '-'], { input: `${key}\n` })).toMatchObject({ code: 0 });
    }
    const profiles = json(await cli(['profiles', 'list']));
    expect(profiles).toEqual([
      expect.objectContaining({ name: 'default', auth: 'login', username: 'admin' }),
      expect.objectContaining({ name: 'operator', auth: 'api-key' }),
      expect.objectContaining({ name: 'viewer', auth: 'api-key' }),
    ]);
    expect(JSON.stringify(profiles)).not.toContain('mcp_'); // secrets are never printed
  }, 60000);

  it('accounts: add (table), list (json, --query, text), get, update; viewer writing is exit 3', async () => {
    const added = await cli(['accounts', 'add', DEFAULT, '--name', 'default', '--regions', REGIONS.join(','), '--tag', 'env=prod', '-o', 'table']);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/│ Account ID\s+│ Name\s+│ Status/);
    expect(added.stdout).toMatch(new RegExp(`│ ${DEFAULT}\\s+│ default\\s+│`));
    expect(json(await cli(['accounts', 'add', SECOND, '--name', 'second', '--regions', REGIONS.join(','), '--role-arn', `arn:aws:iam::${SECOND}:role/x`]))).toMatchObject({ account_id: SECOND, role_arn: `arn:aws:iam::${SECOND}:role/x` });

    const page = json(await cli(['accounts', 'list']));
    expect(page.items.map((a: any) => a.account_id).sort()).toEqual([SECOND, DEFAULT]);
    expect(json(await cli(['accounts', 'list', '--query', "items[?tags.env=='prod'].name"]))).toEqual(['default']);
    const text = await cli(['accounts', 'list', '-o', 'text', '--query', 'items[].[account_id,name]']);
    expect(text.stdout.trim().split('\n').sort()).toEqual([`${SECOND}\tsecond`, `${DEFAULT}\tdefault`]);
    expect(json(await cli(['accounts', 'get', SECOND, '-o', 'json']))).toMatchObject({ account_id: SECOND, name: 'second' });
    // update changes what it is given and keeps the rest (the API's PUT replaces everything).
    expect(json(await cli(['accounts', 'update', SECOND, '--name', 'second-renamed']))).toMatchObject({ name: 'second-renamed', regions: REGIONS, role_arn: `arn:aws:iam::${SECOND}:role/x` });
    // An external id is never returned, so an update that would silently clear it is refused before anything is sent.
    const withExternalId = ['333333333333', '--name', 'ext', '--regions', 'us-east-1', '--role-arn', 'arn:aws:iam::333333333333:role/x', '--external-id', 'ext-id-1', '--enabled', 'false'];
    expect(json(await cli(['accounts', 'add', ...withExternalId]))).toMatchObject({ external_id_set: true, enabled: false });
    const clearing = await cli(['accounts', 'update', '333333333333', '--name', 'ext2']);
    expect(clearing.code).toBe(2);
    expect(clearing.stderr).toContain('give it again with --external-id');
    expect(json(await cli(['accounts', 'update', '333333333333', '--name', 'ext2', '--external-id', 'ext-id-2']))).toMatchObject({ name: 'ext2', external_id_set: true });
    expect(await cli(['accounts', 'remove', '333333333333'])).toMatchObject({ code: 0, stdout: '' });
    expect((await cli(['accounts', 'get', '333333333333'])).code).toBe(4);
    expect(await cli(['accounts', 'get', SECOND, ...as('viewer'), '-o', 'yaml', '--query', 'name'])).toMatchObject({ code: 0, stdout: 'second-renamed\n' });

    const refused = await cli(['accounts', 'add', '222222222222', '--name', 'x', '--regions', 'us-east-1', ...as('viewer')]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('Forbidden (403 FORBIDDEN)');
    expect(refused.stderr).toContain('Requires the admin role');
  }, 60000);

  if (MODE === 'standalone') {
    it('accounts sync --wait, then resources list, get and summary with the API\'s filters', async () => {
      const sync = await cli(['accounts', 'sync', DEFAULT, '--regions', 'us-east-1', '--wait', ...as('operator')]);
      expect(sync.code).toBe(0);
      expect(JSON.parse(sync.stdout)).toMatchObject({ status: 'SUCCEEDED', tasks_failed: 0 });

      const summary = json(await cli(['resources', 'summary', '--account-id', DEFAULT]));
      expect(summary.total).toBeGreaterThan(0);
      const all = json(await cli(['resources', 'list', '--account-id', DEFAULT, '--all', '--limit', '2']));
      expect(all.items).toHaveLength(summary.total); // --all followed the cursor across pages of 2
      expect(all.next_cursor).toBeNull();
      const arn = all.items[0].arn;
      expect(json(await cli(['resources', 'get', arn]))).toMatchObject({ arn, account_id: DEFAULT });
      const table = await cli(['resources', 'list', '--type', all.items[0].type, '-o', 'table']);
      expect(table.stdout).toContain(arn);
      const missing = await cli(['resources', 'get', `arn:aws:s3:::no-such-bucket-${Date.now()}`]);
      expect(missing.code).toBe(4);
    }, 120000);
  }

  it('commands run --wait across 2 accounts × 2 regions: a plain line per target on a pipe, the results as json', async () => {
    const run = await cli(['commands', 'run', 'sts get-caller-identity', '--accounts', `${DEFAULT},${SECOND}`, '--regions', REGIONS.join(','), '--wait', ...as('operator')]);
    expect(run.code).toBe(0);
    const results = JSON.parse(run.stdout);
    expect(results.map((r: any) => `${r.account_id}/${r.region}/${r.status}`).sort()).toEqual([`${SECOND}/eu-west-1/SUCCESS`, `${SECOND}/us-east-1/SUCCESS`, `${DEFAULT}/eu-west-1/SUCCESS`, `${DEFAULT}/us-east-1/SUCCESS`]);
    const lines = run.stderr.split('\n').filter((l) => /✔ SUCCESS/.test(l));
    expect(lines).toHaveLength(4); // one per target, as each finished
    expect(run.stderr).not.toContain('\x1b['); // no terminal control on a pipe
  }, 120000);

  if (MODE === 'standalone') {
    it('commands run --wait on a terminal redraws a live block; a failing target is exit 1; dry run, get, list, output, cancel', async () => {
      // A real pseudo-terminal (util-linux script), so that stderr and stdout are TTYs as for a person.
      const shell = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} commands run "ec2 describe-instances" --accounts all --regions ${REGIONS.join(',')} --wait --profile operator`;
      const tty = await new Promise<Run>((done) => {
        const child = spawn('script', ['-qfec', shell, '/dev/null'], { env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: config, COLUMNS: '160', LINES: '40', TERM: 'xterm' } });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.on('close', (code) => done({ code, stdout: out, stderr: '' }));
      });
      expect(tty.code).toBe(0);
      expect(tty.stdout).toMatch(/ec2 describe-instances — \d\/4 done/); // the live header
      expect(tty.stdout).toMatch(/\x1b\[\d+A\x1b\[0J/); // redrawn in place, then erased
      expect(tty.stdout).toMatch(/│ Account\s+│ Region\s+│ Status/); // the final table (table is the default on a terminal)
      expect((tty.stdout.match(/│ SUCCESS /g) ?? []).length).toBe(4);

      const failing = await cli(['commands', 'run', 'ec2 describe-instances --instance-ids i-0123456789abcdef0', '--accounts', DEFAULT, '--regions', 'us-east-1', '--wait', ...as('operator')]);
      expect(failing.code).toBe(1);
      expect(JSON.parse(failing.stdout)[0]).toMatchObject({ status: 'FAILED', account_id: DEFAULT });
      expect(failing.stderr).toMatch(/ended FAILED: 1 of 1 targets did not succeed/);

      const plan = json(await cli(['commands', 'run', 's3 ls', '--accounts', 'all', '--regions', 'us-east-1', '--dry-run', ...as('operator')]));
      expect(plan).toMatchObject({ dry_run: true, targets_total: 2, policy: { allowed: true } });
      const mutating = await cli(['commands', 'run', 'ec2 terminate-instances --instance-ids i-1', '--accounts', DEFAULT, '--regions', 'us-east-1', ...as('operator')]);
      expect(mutating.code).toBe(3);

      const started = json(await cli(['commands', 'run', 'sts get-caller-identity', '--accounts', DEFAULT, '--regions', 'us-east-1', ...as('operator')]));
      expect(started).toMatchObject({ status: 'IN_PROGRESS', targets_total: 1 });
      await waitFor(async () => json(await cli(['commands', 'get', started.id, '--query', 'status'])) !== 'IN_PROGRESS', 60000, 300, 'the command to finish');
      expect(json(await cli(['commands', 'list', '--query', 'items[].id']))).toContain(started.id);
      const output = json(await cli(['commands', 'output', started.id, DEFAULT, 'us-east-1', '--query', 'json.Account']));
      expect(output).toBe(DEFAULT);
      const raw = await cli(['commands', 'output', started.id, DEFAULT, 'us-east-1', '-o', 'text']);
      expect(JSON.parse(raw.stdout)).toMatchObject({ Account: DEFAULT }); // the CLI's stdout as it printed it
      expect(json(await cli(['commands', 'output', started.id]))).toEqual([expect.objectContaining({ account_id: DEFAULT, status: 'SUCCESS' })]);
      const cancel = await cli(['commands', 'cancel', started.id, ...as('operator')]);
      expect(cancel.code).toBe(1);
      expect(cancel.stderr).toContain('409 COMMAND_NOT_RUNNING');
    }, 180000);
  }

  it('events tail receives an event as it happens, and resumes after an id with --after', async () => {
    const tail = start(['events', 'tail', '--subjects', 'integration.created', '--count', '1', ...as('viewer')], { until: 'listening on' });
    await tail.opened; // the CLI says so once the gateway has subscribed the stream
    const created = json(await cli(['integrations', 'create', '-f', '-', ...as('operator')], { input: `name: tail-probe\ndescription: seen by tail\ntype: WEBHOOK\ndirection: OUTBOUND\nconnection:\n  url: ${sink.url}/tail\n` }));
    const got = await withinOrExplain(tail, 30000);
    expect(got.code).toBe(0);
    const event = JSON.parse(got.stdout.trim());
    expect(event).toMatchObject({ type: 'integration.created', subject: created.id, data: { integration: { name: 'tail-probe' } } });
    expect(event.id).toMatch(/^\d+$/);

    const again = await cli(['events', 'tail', '--subjects', 'integration.created', '--after', String(Number(event.id) - 1), '--count', '1', '-o', 'json', '--query', 'subject', ...as('viewer')]);
    expect(again).toMatchObject({ code: 0, stdout: `${JSON.stringify(created.id)}\n` });
    expect(await cli(['integrations', 'delete', created.id, ...as('operator')])).toMatchObject({ code: 0, stdout: '' });
  }, 60000);

  if (MODE === 'standalone') {
    it('integrations: create -f, list, get, update -f from get, test, disable, enable, health, deliveries, replay, delete', async () => {
      const file = join(home, 'hook.yaml');
      writeFileSync(file, `name: cli-hook\ndescription: from the CLI\ntype: WEBHOOK\ndirection: OUTBOUND\nconnection:\n  url: ${sink.url}/cli\n`);
      const created = json(await cli(['integrations', 'create', '-f', file, ...as('operator')]));
      expect(created).toMatchObject({ name: 'cli-hook', type: 'WEBHOOK', status: 'CONFIGURING' });
      expect(json(await cli(['integrations', 'list', '--type', 'WEBHOOK', '--query', 'items[].name']))).toContain('cli-hook');

      // Round trip: what get prints (YAML) goes back through update with one change.
      const yaml = (await cli(['integrations', 'get', created.id, '-o', 'yaml'])).stdout;
      writeFileSync(file, yaml.replace('description: from the CLI', 'description: changed by update'));
      expect(json(await cli(['integrations', 'update', created.id, '-f', file, ...as('operator')]))).toMatchObject({ description: 'changed by update' });

      const tested = await cli(['integrations', 'test', created.id, ...as('operator')]);
      expect(tested.code).toBe(0);
      expect(JSON.parse(tested.stdout)).toMatchObject({ healthy: true });
      expect(json(await cli(['integrations', 'disable', created.id, ...as('operator')]))).toMatchObject({ status: 'INACTIVE' });
      expect(json(await cli(['integrations', 'enable', created.id, ...as('operator')]))).toMatchObject({ enabled: true });
      expect(json(await cli(['integrations', 'health', created.id]))).toMatchObject({ integration_id: created.id });
      expect(json(await cli(['integrations', 'health', created.id, '--history']))).toMatchObject({ items: expect.any(Array) });
      expect(json(await cli(['integrations', 'deliveries', created.id]))).toMatchObject({ items: expect.any(Array) });
      expect(json(await cli(['integrations', 'replay', created.id, '--since', new Date(Date.now() - 3600_000).toISOString(), ...as('operator')]))).toMatchObject({ replayed: expect.any(Number) });
      expect(json(await cli(['integrations', 'types', '--query', '[].type']))).toContain('WEBHOOK');

      const deleted = await cli(['integrations', 'delete', created.id, ...as('operator')]);
      expect(deleted).toMatchObject({ code: 0, stdout: '' });
      const gone = await cli(['integrations', 'get', created.id]);
      expect(gone.code).toBe(4);
      expect(gone.stderr).toContain('(404 INTEGRATION_NOT_FOUND)');
      const invalid = await cli(['integrations', 'create', '-f', '-', ...as('operator')], { input: '{"name": "x", "description": "d", "type": "NOPE", "direction": "OUTBOUND"}' });
      expect(invalid.code).toBe(1);
      expect(invalid.stderr).toMatch(/Request validation failed \(400 VALIDATION_FAILED\)\n {2}The request body has 1 invalid field: type\n {2}- type: type must be one of/);
    }, 120000);

    it('users, api-keys and audit: create, update, revoke, and the audit trail of it with the invocation\'s correlation id', async () => {
      const user = json(await cli(['users', 'create', 'cli-alice', '--role', 'viewer', '--password-stdin'], { input: 'alice-password-12345\n' }));
      expect(user).toMatchObject({ username: 'cli-alice', role: 'viewer' });
      expect(json(await cli(['users', 'list', '--query', 'items[].username']))).toContain('cli-alice');
      expect(json(await cli(['users', 'update', user.id, '--role', 'operator']))).toMatchObject({ role: 'operator' });
      expect(json(await cli(['users', 'get', user.id, '--query', 'role']))).toBe('operator');
      expect(await cli(['users', 'delete', user.id])).toMatchObject({ code: 0 });

      const key = json(await cli(['api-keys', 'create', 'cli-temp', '--role', 'viewer']));
      expect(json(await cli(['api-keys', 'list', '--query', 'items[].name']))).toContain('cli-temp');
      expect(await cli(['api-keys', 'revoke', key.id])).toMatchObject({ code: 0 });
      const revoked = await cli(['accounts', 'list'], { env: { AWS_MCP_API_KEY: key.key } });
      expect(revoked.code).toBe(3);
      expect(revoked.stderr).toContain('(401 AUTH_TOKEN_INVALID)');

      const audit = json(await cli(['audit', 'list', '--path', '/api/v1/api-keys', '--method', 'DELETE']));
      expect(audit.items[0]).toMatchObject({ method: 'DELETE', status: 204, actor_name: 'admin' });
      const viewerAudit = await cli(['audit', 'list', ...as('viewer')]);
      expect(viewerAudit.code).toBe(3);
    }, 60000);

    it('exit codes: usage 2, bad credentials 3, not found 4, server unavailable 5; shell completion; help with examples', async () => {
      for (const args of [['acounts', 'list'], ['accounts', 'list', '--limit', 'many'], ['commands', 'run', 'sts get-caller-identity'], ['accounts', 'list', '--query', 'items[']]) {
        const r = await cli(args);
        expect({ args, code: r.code }).toEqual({ args, code: 2 });
        expect(r.stderr).toMatch(/^aws-mcp: /);
      }
      const badKey = await cli(['accounts', 'list'], { env: { AWS_MCP_API_KEY: 'mcp_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
      expect(badKey.code).toBe(3);
      const noCredentials = await cli(['accounts', 'list', '--profile', 'nobody']);
      expect(noCredentials.code).toBe(2); // no server configured for that profile: a usage error, nothing was sent
      const otherServer = await cli(['accounts', 'list', '--url', 'http://127.0.0.1:9']);
      expect(otherServer.code).toBe(3); // the profile's credentials are not sent to another URL
      expect(otherServer.stderr).toContain('holds credentials for');
      expect((await cli(['accounts', 'get', '999999999999'])).code).toBe(4);
      const down = await cli(['accounts', 'list', '--url', `http://127.0.0.1:${await freePort()}`], { env: { AWS_MCP_API_KEY: 'mcp_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
      expect(down.code).toBe(5);
      expect(down.stderr).toMatch(/Cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);

      const help = await cli(['commands', 'run', '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Examples:\n  $ aws-mcp commands run');

      // bash itself completes with the generated script, from the command tree.
      const script = (await cli(['completion', 'bash'])).stdout;
      const complete = (line: string) =>
        new Promise<string>((done) => {
          const words = line.split(' ');
          const child = spawn('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _aws_mcp; printf '%s\\n' "\${COMPREPLY[@]}"`]);
          let out = '';
          child.stdout.on('data', (d) => (out += d));
          child.on('close', () => done(out.trim()));
        });
      expect((await complete('aws-mcp acc')).split('\n')).toEqual(['accounts']);
      expect((await complete('aws-mcp commands r')).split('\n')).toEqual(['run']);
      expect((await complete('aws-mcp commands run --wa')).split('\n')).toEqual(['--wait']);
      expect((await complete('aws-mcp accounts list -o y')).split('\n')).toEqual(['yaml']);
      expect((await cli(['completion', 'zsh'])).stdout).toMatch(/^#compdef aws-mcp\n[\s\S]*\('\/commands\/run'\) subs=\(\); opts=\('--accounts:/m);
    }, 60000);
  }

  // Standalone only: the refresh is the client's own logic, the same against either mode, and the wait costs a minute.
  if (MODE === 'standalone') it('an access token that expired on the server is refreshed once and the rotated tokens saved; logout ends the session', async () => {
    // Tokens live 60 s here (the least the config allows), and the CLI renews them 30 s ahead: wait until the
    // current one has expired on the server (plus its 5 s clock tolerance); nothing else uses the profile meanwhile.
    const before = profile();
    const left = before.tokens.access_expires_at + 6_000 - Date.now();
    if (left > 0) await new Promise((r) => setTimeout(r, left));
    // Make our copy claim the token is still good, so that the CLI sends it and meets the server's 401.
    writeFileSync(credentialsFile, JSON.stringify({ profiles: { ...JSON.parse(readFileSync(credentialsFile, 'utf8')).profiles, default: { ...before, tokens: { ...before.tokens, access_expires_at: Date.now() + 3600_000 } } } }));
    chmodSync(credentialsFile, 0o644); // and loosen its mode: the CLI says so and tightens it
    const stale = await fetch(`${sut.baseUrl}/api/v1/accounts`, { headers: { authorization: `Bearer ${before.tokens.access_token}` } });
    expect(stale.status).toBe(401);

    const r = await cli(['accounts', 'list', '--query', 'length(items)']);
    expect(r).toMatchObject({ code: 0, stdout: '2\n' });
    expect(r.stderr).toContain('was readable by others (mode 644); it is 0600 now');
    expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);
    const after = profile();
    expect(after.tokens.access_token).not.toBe(before.tokens.access_token);
    expect(after.tokens.refresh_token).not.toBe(before.tokens.refresh_token);
    expect(after.tokens.access_expires_at).toBeLessThanOrEqual(Date.now() + 60_000);
    expect((await fetch(`${sut.baseUrl}/api/v1/accounts`, { headers: { authorization: `Bearer ${after.tokens.access_token}` } })).status).toBe(200);

    // logout ends the session on the server too: the saved tokens stop working.
    expect(await cli(['logout'])).toMatchObject({ code: 0 });
    expect(profile().tokens).toBeUndefined();
    expect(profile().url).toBe(sut.baseUrl);
    const refresh = await fetch(`${sut.baseUrl}/api/v1/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: after.tokens.refresh_token }) });
    expect(refresh.status).toBe(401);
    expect((await cli(['accounts', 'list'])).code).toBe(3); // no credentials left in the profile
  }, 120000);
});
