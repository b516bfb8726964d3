/**
 * `npm run bench:gateway`: an authenticated read through the gateway in distributed mode, beside a bare NestJS
 * Fastify route returning the same JSON, in the same run.
 *
 * What runs: the four apps as separate processes (SystemUnderTest, distributed) on this machine's NATS (JetStream)
 * and PostgreSQL, with a fresh database and stream. One integration is created; an admin logs in. Then autocannon
 * (in this process) drives `GET /api/v1/integrations/{id}` with `Authorization: Bearer <JWT>` at 50 connections:
 * every request is a JWT check (HS256), the guard's identity/session lookups (cached 5 s), the per-identity and
 * per-address limits, a NATS request/reply to integration-service and its database read, the problem/headers/log
 * hooks. The baseline is bench/bare-nest.server.ts in its own process. NATS is the system's own nats-server (test/support starts
 * one per system under test). Warm-up 3 s each, then `--seconds` (20).
 * Results: bench/results/gateway.json and gateway.md. Not part of npm test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpuMeter, systemCpuMeter } from './cpu-usage';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuProfileArgs, numberArg } from './args';
import { type AutocannonResult, autocannon, cpuMsPer, startBaselineProcess } from './baseline-process';

const ROOT = resolve(__dirname, '../..');
const SECONDS = numberArg('seconds', 20);
const CONNECTIONS = numberArg('connections', 50);

async function run(url: string, headers: Record<string, string>, seconds: number): Promise<AutocannonResult> {
  return autocannon({ url, connections: CONNECTIONS, duration: seconds, headers, pipelining: 1 });
}

function summary(r: AutocannonResult) {
  return { req_per_s: Math.round(r.requests.total / r.duration), p50_ms: r.latency.p50, p90_ms: r.latency.p90, p99_ms: r.latency.p99, max_ms: r.latency.max, non_2xx: r.non2xx, errors: r.errors + r.timeouts, total: r.requests.total };
}

async function startBaseline(bodyFile: string): Promise<{ url: string; pid: number; stop(): void }> {
  const baseline = await startBaselineProcess(join(ROOT, 'dist/bench/bare-nest.server.js'), [bodyFile]);
  return { ...baseline, url: `http://127.0.0.1:${baseline.port}` };
}

async function main(): Promise<void> {
  const { SystemUnderTest } = await import('../test/support/system');
  // BENCH_CPU_PROF=<dir>: every app writes a V8 CPU profile there when it stops.
  const sut = await SystemUnderTest.start('distributed', { nodeArgs: cpuProfileArgs() });
  let baseline: Awaited<ReturnType<typeof startBaseline>> | undefined;
  try {
    const created = await sut.api().post('/api/v1/integrations', { name: 'bench', description: 'gateway benchmark', type: 'REST_API', direction: 'OUTBOUND', connection: { url: 'https://api.example.com' } });
    if (created.status !== 201) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
    const path = `/api/v1/integrations/${created.body.id}`;
    const { access_token } = await sut.login();
    const auth = { authorization: `Bearer ${access_token}` };
    const check = await sut.anonymous().get(path, auth);
    if (check.status !== 200) throw new Error(`authenticated read failed: ${check.status}`);
    const bodyFile = join(tmpdir(), `bench-gateway-${process.pid}.json`);
    writeFileSync(bodyFile, JSON.stringify(check.body));
    baseline = await startBaseline(bodyFile);

    const gatewayCpu = systemCpuMeter(sut, 'integration-service');
    const bareCpu = cpuMeter({ 'bare NestJS + Fastify': () => [baseline!.pid], 'load generator (autocannon)': () => [process.pid] });

    process.stdout.write(`warm-up, then ${SECONDS} s at ${CONNECTIONS} connections each\n`);
    await run(sut.baseUrl + path, auth, 3);
    gatewayCpu.start();
    const gatewayRun = await run(sut.baseUrl + path, auth, SECONDS);
    const gateway = { ...summary(gatewayRun), cpu_ms_per_request: cpuMsPer(gatewayCpu.stop(), gatewayRun.requests.total) };
    await run(baseline.url + path, {}, 3);
    bareCpu.start();
    const bareRun = await run(baseline.url + path, {}, SECONDS);
    const bare = { ...summary(bareRun), cpu_ms_per_request: cpuMsPer(bareCpu.stop(), bareRun.requests.total) };
    const unauthenticated = await sut.anonymous().get(path);

    const result = {
      benchmark: 'gateway: authenticated GET /api/v1/integrations/{id}, distributed mode',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
      settings: { connections: CONNECTIONS, seconds: SECONDS, warmup_seconds: 3 },
      gateway,
      baseline_bare_nest_fastify: bare,
      ratio_gateway_to_baseline: Math.round((gateway.req_per_s / bare.req_per_s) * 1000) / 1000,
      goal: { req_per_s: 5000, p99_ms: 20, met: gateway.req_per_s >= 5000 && gateway.p99_ms < 20 },
      sanity: { unauthenticated_status: unauthenticated.status },
    };
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/gateway.json'), JSON.stringify(result, null, 2) + '\n');
    writeFileSync(
      join(ROOT, 'bench/results/gateway.md'),
      [
        `# Gateway benchmark (${result.date})`,
        '',
        `Authenticated \`GET /api/v1/integrations/{id}\` in distributed mode (JWT check, NATS request/reply to integration-service, PostgreSQL read), ${CONNECTIONS} connections, ${SECONDS} s after a 3 s warm-up; ${result.machine.cpus} CPUs (${result.machine.model}), Node ${result.machine.node}. Everything (four apps, NATS, PostgreSQL, the load generator, the baseline) shares this machine; load average (1 min) at the end: ${loadavg()[0].toFixed(1)}.`,
        '',
        '| target | req/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | errors |',
        '|---|---:|---:|---:|---:|---:|---:|---:|',
        `| gateway (distributed) | ${gateway.req_per_s} | ${gateway.p50_ms} | ${gateway.p90_ms} | ${gateway.p99_ms} | ${gateway.max_ms} | ${gateway.non_2xx} | ${gateway.errors} |`,
        `| bare NestJS + Fastify, same JSON | ${bare.req_per_s} | ${bare.p50_ms} | ${bare.p90_ms} | ${bare.p99_ms} | ${bare.max_ms} | ${bare.non_2xx} | ${bare.errors} |`,
        '',
        '',
        'CPU per request (milliseconds of user + system time, from /proc, over the measured run; 2 CPUs give 2,000 ms per second, so 5,000 req/s needs ≤ 0.4 ms in total):',
        '',
        '| process | gateway run | baseline run |',
        '|---|---:|---:|',
        ...Object.keys({ ...gateway.cpu_ms_per_request, ...bare.cpu_ms_per_request }).map((k) => `| ${k} | ${gateway.cpu_ms_per_request[k] ?? '—'} | ${bare.cpu_ms_per_request[k] ?? '—'} |`),
        '',
        `Gateway / baseline: ${result.ratio_gateway_to_baseline}. Goal (≥ 5,000 req/s and p99 < 20 ms): ${result.goal.met ? 'met' : 'not met'}. The same path without a token: ${unauthenticated.status}.`,
        '',
      ].join('\n'),
    );
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    baseline?.stop();
    await sut.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
