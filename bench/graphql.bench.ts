/**
 * `npm run bench:graphql`: the gateway benchmark's read (one integration by id, authenticated with a JWT) through
 * GraphQL (`POST /graphql { integration(id) { … every field … } }`) beside the REST path
 * (`GET /api/v1/integrations/{id}`), in the same run against the same distributed system (NODE_ENV=production, as
 * deployed). autocannon, 50 connections, 3 s warm-up, then `--seconds` (15) each in `--rounds` (4) stretches that
 * alternate the paths (ABBA), with the CPU each process spent per request. Goal: GraphQL at least 0.8 of REST's requests/s. `BENCH_CPU_PROF=<dir>`: every app writes a V8 CPU profile
 * there when it stops.
 * Results: bench/results/graphql.json and graphql.md. Not part of npm test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuProfileArgs, numberArg } from './args';
import { autocannon, cpuMsPer } from './baseline-process';
import { systemCpuMeter } from './cpu-usage';

const ROOT = resolve(__dirname, '../..');
const SECONDS = numberArg('seconds', 15);
/** Measured stretches per path, alternated ABBA… so that other work on the machine falls on both paths alike. */
const ROUNDS = numberArg('rounds', 4);
const CONNECTIONS = numberArg('connections', 50);
const FIELDS = 'id name description type direction version status status_reason auth health_check retry timeout_seconds rate_limit_per_minute tags metadata enabled connection subscriptions delivery created_at updated_at';

type Meter = ReturnType<typeof systemCpuMeter>;

/** One stretch of load; with a meter, the CPU seconds each process group spent during it. */
async function run(opts: Record<string, unknown>, seconds: number, meter?: Meter) {
  meter?.start();
  const r = await autocannon({ connections: CONNECTIONS, duration: seconds, pipelining: 1, ...opts });
  return { r, cpu: meter?.stop() ?? {} };
}

/**
 * A path's figures over its measured stretches: requests/s from the totals; p50/p99 are the means of the stretches'
 * (autocannon gives percentiles, not its histogram).
 */
function summary(parts: Array<Awaited<ReturnType<typeof run>>>) {
  const total = parts.reduce((n, p) => n + p.r.requests.total, 0);
  const duration = parts.reduce((n, p) => n + p.r.duration, 0);
  const mean = (f: (p: (typeof parts)[number]) => number) => Math.round(parts.reduce((n, p) => n + f(p), 0) / parts.length);
  const cpu: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.cpu)) cpu[k] = (cpu[k] ?? 0) + v;
  return {
    req_per_s: Math.round(total / duration),
    p50_ms: mean((p) => p.r.latency.p50),
    p99_ms: mean((p) => p.r.latency.p99),
    non_2xx: parts.reduce((n, p) => n + p.r.non2xx, 0),
    errors: parts.reduce((n, p) => n + p.r.errors + p.r.timeouts, 0),
    total,
    cpu_ms_per_request: cpuMsPer(cpu, total),
  };
}

async function main(): Promise<void> {
  const { SystemUnderTest } = await import('../test/support/system');
  // NODE_ENV=production as every deployment sets it (Dockerfile, compose, k8s, the EC2 units): graphql-js otherwise
  // runs its development checks (a cross-realm test on every failed instanceof) on every field of every request.
  const sut = await SystemUnderTest.start('distributed', { nodeArgs: cpuProfileArgs(), env: { NODE_ENV: 'production' } });
  try {
    const created = await sut.api().post('/api/v1/integrations', { name: 'bench', description: 'graphql benchmark', type: 'REST_API', direction: 'OUTBOUND', connection: { url: 'https://api.example.com' } });
    if (created.status !== 201) throw new Error(`create failed: ${created.status}`);
    const id = created.body.id as string;
    const { access_token } = await sut.login();
    const auth = { authorization: `Bearer ${access_token}` };
    const body = JSON.stringify({ query: `query($id: ID!) { integration(id: $id) { ${FIELDS} } }`, variables: { id } });
    const check = await fetch(`${sut.baseUrl}/graphql`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body });
    const checked = (await check.json()) as { data?: { integration?: { id: string } } };
    if (check.status !== 200 || checked.data?.integration?.id !== id) throw new Error(`graphql read failed: ${check.status} ${JSON.stringify(checked)}`);

    const rest = { url: `${sut.baseUrl}/api/v1/integrations/${id}`, headers: auth };
    const gql = { url: `${sut.baseUrl}/graphql`, method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body };
    process.stdout.write(`warm-up, then ${SECONDS} s at ${CONNECTIONS} connections each, in ${ROUNDS} alternating stretches\n`);
    const meter = systemCpuMeter(sut, 'integration-service');
    const loadAtStart = Math.round(loadavg()[0] * 10) / 10;
    await run(rest, 3);
    await run(gql, 3);
    const parts: { rest: Array<Awaited<ReturnType<typeof run>>>; gql: Array<Awaited<ReturnType<typeof run>>> } = { rest: [], gql: [] };
    for (let i = 0; i < ROUNDS; i++) {
      // REST, GraphQL, GraphQL, REST, …: a load that rises or falls through the run is shared evenly
      const order = i % 2 === 0 ? (['rest', 'gql'] as const) : (['gql', 'rest'] as const);
      for (const path of order) parts[path].push(await run(path === 'rest' ? rest : gql, SECONDS / ROUNDS, meter));
    }
    const restRun = summary(parts.rest);
    const gqlRun = summary(parts.gql);
    const ratio = Math.round((gqlRun.req_per_s / restRun.req_per_s) * 1000) / 1000;
    const result = {
      benchmark: 'graphql: one integration by id through POST /graphql vs GET /api/v1/integrations/{id}, distributed mode, same run',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, load_average_1m_at_start: loadAtStart, load_average_1m_at_end: Math.round(loadavg()[0] * 10) / 10 },
      settings: { connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS, warmup_seconds: 3 },
      graphql: gqlRun,
      baseline_rest: restRun,
      ratio_graphql_to_rest: ratio,
      goal: { ratio: 0.8, met: ratio >= 0.8 },
    };
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/graphql.json'), JSON.stringify(result, null, 2) + '\n');
    writeFileSync(
      join(ROOT, 'bench/results/graphql.md'),
      [
        `# bench:graphql (${result.date})`,
        '',
        '| path | req/s | p50 ms | p99 ms | non-2xx |',
        '|---|---|---|---|---|',
        `| GraphQL POST /graphql | ${gqlRun.req_per_s} | ${gqlRun.p50_ms} | ${gqlRun.p99_ms} | ${gqlRun.non_2xx} |`,
        `| REST GET /api/v1/integrations/{id} | ${restRun.req_per_s} | ${restRun.p50_ms} | ${restRun.p99_ms} | ${restRun.non_2xx} |`,
        '',
        `Ratio GraphQL/REST: ${ratio} (goal ≥ 0.8: ${result.goal.met ? 'met' : 'not met'}). ${result.machine.cpus} CPUs, load average (1 min) ${result.machine.load_average_1m_at_start} at the start, ${result.machine.load_average_1m_at_end} at the end. ${SECONDS} s per path at ${CONNECTIONS} connections in ${ROUNDS} alternating stretches (p50/p99: means of the stretches).`,
        '',
        'CPU per request (milliseconds of user + system time, from /proc, over the measured run):',
        '',
        '| process | GraphQL | REST |',
        '|---|---:|---:|',
        ...Object.keys(gqlRun.cpu_ms_per_request).map((k) => `| ${k} | ${gqlRun.cpu_ms_per_request[k]} | ${restRun.cpu_ms_per_request[k] ?? '—'} |`),
        '',
      ].join('\n'),
    );
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } finally {
    await sut.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
