/**
 * `npm run bench:commands`: what fleet-command orchestration costs on top of the AWS CLI itself.
 *
 * What runs (in this process, composed the way standalone mode composes the apps): fleet-service on a fresh
 * PostgreSQL database (127.0.0.1:5432, BENCH_POSTGRES_URL) and the in-process bus; AWS is a moto_server.
 * 50 accounts × 4 regions = 200 targets of `sts get-caller-identity` (49 accounts reached by AssumeRole):
 *   - ours: rpc.fleet.command.run with max_concurrency 8 (policy check, target expansion, job + 200 PENDING rows,
 *     per target: credentials from AccountCredentials, CliExecutor, output stored, result row, event);
 *   - plain loop: the same 200 CLI invocations (same argv, same environment as the executor builds, credentials
 *     resolved beforehand) spawned by a bare loop with 8 at once.
 * Rounds alternate (plain, ours, plain, ours, …) so that both see the same machine. Per target, our overhead is
 * the target's wall time in the runner (slot taken → result ready) minus the CLI process's own duration.
 * Results: bench/results/commands.json and commands.md. Built like the apps (swc) and run with node; not part of npm test.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import 'reflect-metadata';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CliExecutor } from '@app/cli-executor';
import { loadConfig } from '@app/config';
import { CommandAcceptedDto, CommandDryRunDto, CommandDto, CommandRequesterDto, CommandResultPageDto, RpcSubjects } from '@app/contracts';
import { MessageBus } from '@app/messaging';
import { createStandaloneRuntime, RunningApp } from '@app/platform';
import { startFleetService } from '../apps/fleet-service/src/main';
import { createTestDatabase } from '../test/support/infra';
import { startMoto } from '../test/support/moto';
import { numberArg } from './args';

const ROOT = resolve(__dirname, '../..');
const ACCOUNTS = numberArg('accounts', 50);
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1'];
const CONCURRENCY = numberArg('concurrency', 8);
const ROUNDS = numberArg('rounds', 2);
const COMMAND = 'sts get-caller-identity';
const PG_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REQUESTER: CommandRequesterDto = { name: 'bench', role: 'operator' };

const accountId = (i: number) => (i === 0 ? '123456789012' : String(100000000000 + i));
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const stats = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return { p50: round(pct(s, 50)), p99: round(pct(s, 99)), mean: round(s.reduce((a, b) => a + b, 0) / s.length) };
};

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The plain loop: the same CLI runs, `CONCURRENCY` at once, nothing else. */
async function plainLoop(targets: Array<{ creds: Creds; region: string }>, endpoint: string, workDir: string): Promise<{ wallMs: number; processMs: number[] }> {
  const processMs: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < targets.length) {
      const t = targets[next++];
      const home = mkdtempSync(join(workDir, 'plain-'));
      const env = new CliExecutor({ region: t.region, credentials: t.creds, endpointUrl: endpoint }).buildEnv(home);
      const t0 = performance.now();
      const code = await new Promise<number | null>((res, rej) => {
        // Spawned as the executor spawns (own session and process group): under Linux autogroup scheduling a
        // session is its own CPU group, so anything else would compare different CPU shares, not orchestration.
        const child = spawn('aws', ['--endpoint-url', endpoint, '--output', 'json', ...COMMAND.split(' ')], { env, cwd: home, stdio: ['ignore', 'pipe', 'pipe'], detached: true, shell: false });
        child.stdout.resume();
        child.stderr.resume();
        child.once('error', rej);
        child.once('close', res);
      });
      processMs.push(performance.now() - t0);
      rmSync(home, { recursive: true, force: true });
      if (code !== 0) throw new Error(`plain loop: aws exited with ${code}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { wallMs: performance.now() - started, processMs };
}

async function main(): Promise<void> {
  const benchStarted = Date.now();
  const database = await createTestDatabase('mcp_bench_commands', PG_URL);
  const dbUrl = new URL(database.url);
  const workDir = mkdtempSync(join(tmpdir(), 'bench-commands-'));
  const moto = await startMoto();
  const apps: RunningApp[] = [];
  try {
    // The SDK's default chain (the service's own credentials) reads these; only this script sets them.
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
    const config = loadConfig({
      argv: [],
      env: {
        DATABASE_URL: dbUrl.toString(),
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_REGION: 'us-east-1',
        MCP_DATA_DIR: workDir,
        MCP_SERVER_HOST: '127.0.0.1',
        MCP_SERVER_PORT: '0',
        MCP_LOGGING_LEVEL: 'warn',
        MCP_FLEET_SCHEDULER_INTERVAL_SECONDS: '0',
        // Account creation checks each role with STS against moto; the first calls are slow on a busy machine.
        MCP_NATS_REQUEST_TIMEOUT_MS: '20000',
      },
    });
    const runtime = await createStandaloneRuntime(config);
    apps.push(await startFleetService(runtime));
    const bus = runtime.bus;

    // Accounts: the default one (the service's own credentials) and the rest through AssumeRole.
    const sts = new STSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const creds = new Map<string, Creds>();
    for (let i = 0; i < ACCOUNTS; i++) {
      const id = accountId(i);
      const role_arn = i === 0 ? undefined : `arn:aws:iam::${id}:role/bench`;
      await bus.request(RpcSubjects.FleetAccountCreate, { account_id: id, name: `bench-${i}`, regions: REGIONS, ...(role_arn ? { role_arn } : {}) });
      if (!role_arn) creds.set(id, { accessKeyId: 'testing', secretAccessKey: 'testing' });
      else {
        const out = await sts.send(new AssumeRoleCommand({ RoleArn: role_arn, RoleSessionName: 'bench-plain' }));
        creds.set(id, { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! });
      }
    }
    const plainTargets = [...creds.entries()].flatMap(([id, c]) => REGIONS.map((region) => ({ id, creds: c, region })));
    const targetsTotal = plainTargets.length;

    // Warm-up (not measured): the CLI's first start reads its data files from disk; our first run assumes every role.
    await plainLoop(plainTargets.slice(0, CONCURRENCY), moto.endpoint, workDir);
    const warm = accepted(await bus.request(RpcSubjects.FleetCommandRun, { command: COMMAND, targets: { account_ids: 'all', regions: '*' }, max_concurrency: CONCURRENCY, requested_by: REQUESTER }));
    await waitDone(bus, warm.id);

    const rounds: Array<{ plain_wall_s: number; ours_wall_s: number; ratio: number; load_1m: number }> = [];
    const oursOverhead: number[] = [];
    const oursCli: number[] = [];
    const plainProcess: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const plain = await plainLoop(plainTargets, moto.endpoint, workDir);
      plainProcess.push(...plain.processMs);

      const t0 = Date.now();
      const run = accepted(await bus.request(RpcSubjects.FleetCommandRun, { command: COMMAND, targets: { account_ids: 'all', regions: '*' }, max_concurrency: CONCURRENCY, requested_by: REQUESTER }));
      const job = await waitDone(bus, run.id);
      if (job.status !== 'SUCCESS' || job.counts.success !== targetsTotal) throw new Error(`our run did not succeed: ${JSON.stringify(job)}`);
      const oursWall = Date.parse(job.finished_at!) - t0;
      let cursor: string | null = null;
      do {
        const page: CommandResultPageDto = await bus.request(RpcSubjects.FleetCommandResults, { id: run.id, limit: 500, ...(cursor ? { cursor } : {}) });
        for (const t of page.items) {
          oursCli.push(t.duration_ms!);
          oursOverhead.push(Date.parse(t.finished_at!) - Date.parse(t.started_at!) - t.duration_ms!);
        }
        cursor = page.next_cursor;
      } while (cursor);
      rounds.push({ plain_wall_s: round(plain.wallMs / 1000, 2), ours_wall_s: round(oursWall / 1000, 2), ratio: round(oursWall / plain.wallMs, 3), load_1m: round(loadavg()[0]) });
      console.log(`round ${r + 1}: plain ${rounds[r].plain_wall_s} s, ours ${rounds[r].ours_wall_s} s, ratio ${rounds[r].ratio}`);
    }

    const plainTotal = rounds.reduce((a, r) => a + r.plain_wall_s, 0);
    const oursTotal = rounds.reduce((a, r) => a + r.ours_wall_s, 0);
    const ratio = round(oursTotal / plainTotal, 3);
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
      setup: {
        mode: 'standalone composition: fleet-service in one process, in-process bus, PostgreSQL 127.0.0.1:5432 (fresh database), moto_server',
        command: COMMAND,
        accounts: ACCOUNTS,
        regions: REGIONS.length,
        targets: targetsTotal,
        max_concurrency: CONCURRENCY,
        commands_per_account_concurrency: config.fleet.commands_per_account_concurrency,
        rounds: ROUNDS,
      },
      rounds,
      total_wall: { plain_s: round(plainTotal, 2), ours_s: round(oursTotal, 2), ratio, goal: 'ours within 10% of the plain loop (ratio ≤ 1.10)', met: ratio <= 1.1 },
      per_target_ms: {
        ours_overhead: stats(oursOverhead),
        ours_cli_process: stats(oursCli),
        plain_cli_process: stats(plainProcess),
      },
      total_seconds: round((Date.now() - benchStarted) / 1000),
    };
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/commands.json'), JSON.stringify(result, null, 2) + '\n');
    const o = result.per_target_ms;
    writeFileSync(
      join(ROOT, 'bench/results/commands.md'),
      [
        '# Fleet commands benchmark (`npm run bench:commands`)',
        '',
        `${result.date} · ${result.machine.cpus} CPUs (${result.machine.model}) · Node ${result.machine.node}`,
        '',
        `Setup: ${result.setup.mode}. \`${COMMAND}\` on ${ACCOUNTS} accounts × ${REGIONS.length} regions = ${targetsTotal} targets, max_concurrency ${CONCURRENCY}, ${config.fleet.commands_per_account_concurrency} per account; ${ROUNDS} rounds, plain loop and ours alternating (after one warm-up each).`,
        '',
        '## Total wall time',
        '',
        '| round | plain loop s | ours s | ours / plain | load (1 min) after |',
        '|---:|---:|---:|---:|---:|',
        ...rounds.map((r, i) => `| ${i + 1} | ${r.plain_wall_s} | ${r.ours_wall_s} | ${r.ratio} | ${r.load_1m} |`),
        `| all | ${result.total_wall.plain_s} | ${result.total_wall.ours_s} | **${ratio}** | |`,
        '',
        `The machine is shared (other sessions' tests and benchmarks): with a load well above ${cpus().length}, single rounds move by ±10% either way; the figure is the total over alternating rounds.`,
        '',
        `Goal: within 10% of the plain loop (ratio ≤ 1.10): ${ratio <= 1.1 ? 'met' : 'NOT met'}`,
        '',
        '## Per target (ms)',
        '',
        '| what | p50 | p99 | mean |',
        '|---|---:|---:|---:|',
        `| our orchestration overhead (runner wall − CLI process) | **${o.ours_overhead.p50}** | **${o.ours_overhead.p99}** | ${o.ours_overhead.mean} |`,
        `| CLI process, run by us | ${o.ours_cli_process.p50} | ${o.ours_cli_process.p99} | ${o.ours_cli_process.mean} |`,
        `| CLI process, plain loop | ${o.plain_cli_process.p50} | ${o.plain_cli_process.p99} | ${o.plain_cli_process.mean} |`,
        '',
        'The overhead covers what stands between taking a slot and the result being ready: credentials from the cached STS session, the executor\'s policy re-check, its private work directory and environment, output capture and previews. The database writes (IN_PROGRESS mark, result row, output) and the event run beside the CLI and after the slot is freed; they are in the total wall time, not here.',
        '',
      ].join('\n'),
    );
    console.log(JSON.stringify(result.total_wall), JSON.stringify(result.per_target_ms), `\nwrote bench/results/commands.{json,md} in ${result.total_seconds} s`);
  } finally {
    for (const a of apps.reverse()) await a.close().catch(() => undefined);
    await moto.stop();
    await database.drop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

function accepted(r: CommandAcceptedDto | CommandDryRunDto): CommandAcceptedDto {
  if ('dry_run' in r) throw new Error('the run was answered as a dry run');
  return r;
}

async function waitDone(bus: MessageBus, id: string): Promise<CommandDto> {
  for (;;) {
    const job = await bus.request(RpcSubjects.FleetCommandGet, { id });
    if (job.status !== 'IN_PROGRESS') return job;
    await new Promise((r) => setTimeout(r, 100));
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
