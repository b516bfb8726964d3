/**
 * `npm run bench:mcp`: `tools/call search_resources` over Streamable HTTP through the gateway in distributed mode,
 * beside the official SDK's bare server returning the same result, in the same run.
 *
 * What runs: the four apps as separate processes (SystemUnderTest, distributed) on this machine's NATS (JetStream) and
 * PostgreSQL, a fresh database with RESOURCES ec2:instance rows written straight into fleet-service's table (the
 * figure is the MCP path, not a sync). The caller is a viewer API key sent as `Authorization: Bearer`, as MCP clients
 * send it. Each call is one stateless POST /mcp (the gateway's endpoint is stateless, so no initialize round trip is
 * needed or made by a stateless client) of `tools/call search_resources {type, limit: 20}`: authentication, the
 * per-identity limit, a fresh McpServer for the caller with the tools its role may use, input validation, a NATS
 * request/reply to fleet-service and its PostgreSQL query, output-schema validation, the audit record, the SSE answer.
 * The load is autocannon at CONNECTIONS (50) keep-alive connections, i.e. 50 clients each with one call in flight.
 * The baseline is bench/bare-mcp.server.ts in its own process: the same SDK handler on node:http with one tool
 * returning the gateway's own answer. Before and after the runs the official SDK `Client` calls both and the results
 * are compared. Warm-up 3 s each, then `--seconds` (20). Results: bench/results/mcp.json and mcp.md. Not in npm test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client as Pg } from 'pg';
import { cpuProfileArgs, numberArg } from './args';
import { type AutocannonResult, autocannon, cpuMsPer, startBaselineProcess } from './baseline-process';
import { cpuMeter, systemCpuMeter } from './cpu-usage';

const ROOT = resolve(__dirname, '../..');
const SECONDS = numberArg('seconds', 20);
const CONNECTIONS = numberArg('connections', 50);
const RESOURCES = numberArg('resources', 200);
const ACCOUNT = '123456789012';
const ARGS = { type: 'ec2:instance', limit: 20 };
const PROTOCOL = '2025-11-25';
const BODY = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'search_resources', arguments: ARGS } });

const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;

async function load(url: string, headers: Record<string, string>, seconds: number): Promise<AutocannonResult> {
  return autocannon({ url, method: 'POST', body: BODY, connections: CONNECTIONS, duration: seconds, pipelining: 1, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': PROTOCOL, ...headers } });
}

function summary(r: AutocannonResult) {
  return { calls_per_s: Math.round(r.requests.total / r.duration), p50_ms: r.latency.p50, p90_ms: r.latency.p90, p99_ms: r.latency.p99, max_ms: r.latency.max, non_2xx: r.non2xx, errors: r.errors + r.timeouts, total: r.requests.total };
}

/** The official SDK client's view of one call (what an assistant would get). */
async function sdkCall(url: string, headers: Record<string, string>): Promise<unknown> {
  const client = new Client({ name: 'bench-mcp', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  try {
    const r = await client.callTool({ name: 'search_resources', arguments: ARGS });
    if (r.isError) throw new Error(`search_resources failed at ${url}: ${JSON.stringify(r.content)}`);
    return { content: r.content, structuredContent: r.structuredContent };
  } finally {
    await client.close();
  }
}

async function seed(databaseUrl: string): Promise<void> {
  const pg = new Pg({ connectionString: databaseUrl });
  await pg.connect();
  try {
    const now = new Date().toISOString();
    for (let i = 0; i < RESOURCES; i++) {
      const region = ['us-east-1', 'eu-west-1'][i % 2];
      const id = `i-${i.toString(16).padStart(17, '0')}`;
      await pg.query(
        `INSERT INTO fleet.resources (arn, account_id, region, service, type, name, state, tags, created_at, properties, first_seen_at, last_seen_at)
         VALUES ($1, $2, $3, 'ec2', 'ec2:instance', $4, 'running', $5, $6, $7, $8, $8)`,
        [
          `arn:aws:ec2:${region}:${ACCOUNT}:instance/${id}`,
          ACCOUNT,
          region,
          `web-${i}`,
          JSON.stringify({ Name: `web-${i}`, env: i % 3 ? 'prod' : 'staging', team: 'platform' }),
          now,
          JSON.stringify({ InstanceId: id, InstanceType: 't3.micro', ImageId: 'ami-0abcdef1234567890', PrivateIpAddress: `10.0.${i >> 8}.${i & 255}`, State: { Name: 'running', Code: 16 }, Placement: { AvailabilityZone: `${region}a` } }),
          now,
        ],
      );
    }
  } finally {
    await pg.end();
  }
}

async function startBaseline(resultFile: string): Promise<{ url: string; pid: number; stop(): void }> {
  const baseline = await startBaselineProcess(join(ROOT, 'dist/bench/bare-mcp.server.js'), [resultFile]);
  return { ...baseline, url: `http://127.0.0.1:${baseline.port}/mcp` };
}

async function main(): Promise<void> {
  const { SystemUnderTest } = await import('../test/support/system');
  // BENCH_CPU_PROF=<dir>: every app writes a V8 CPU profile there when it stops.
  const sut = await SystemUnderTest.start('distributed', { nodeArgs: cpuProfileArgs() });
  let baseline: Awaited<ReturnType<typeof startBaseline>> | undefined;
  try {
    await seed(sut.databaseUrl());
    const auth = { authorization: `Bearer ${await sut.keyFor('viewer')}` };
    const gatewayUrl = `${sut.baseUrl}/mcp`;
    const expected = await sdkCall(gatewayUrl, auth);
    const items = ((expected as { structuredContent?: { items?: unknown[] } }).structuredContent?.items ?? []).length;
    if (items !== ARGS.limit) throw new Error(`expected ${ARGS.limit} resources from the gateway, got ${items}`);
    const resultFile = join(tmpdir(), `bench-mcp-${process.pid}.json`);
    writeFileSync(resultFile, JSON.stringify(expected));
    baseline = await startBaseline(resultFile);
    const bareAnswer = await sdkCall(baseline.url, {});
    if (JSON.stringify(bareAnswer) !== JSON.stringify(expected)) throw new Error('the baseline does not return the gateway\'s result');

    const gatewayCpu = systemCpuMeter(sut, 'fleet-service');
    const bareCpu = cpuMeter({ 'bare SDK server': () => [baseline!.pid], 'load generator (autocannon)': () => [process.pid] });

    process.stdout.write(`warm-up, then ${SECONDS} s at ${CONNECTIONS} connections each\n`);
    await load(gatewayUrl, auth, 3);
    gatewayCpu.start();
    const gatewayRun = await load(gatewayUrl, auth, SECONDS);
    const gateway = { ...summary(gatewayRun), cpu_ms_per_call: cpuMsPer(gatewayCpu.stop(), gatewayRun.requests.total) };
    await load(baseline.url, {}, 3);
    bareCpu.start();
    const bareRun = await load(baseline.url, {}, SECONDS);
    const bare = { ...summary(bareRun), cpu_ms_per_call: cpuMsPer(bareCpu.stop(), bareRun.requests.total) };
    // Still the same answer after the load, and no credentials is still a 401.
    const after = await sdkCall(gatewayUrl, auth);
    const unauthenticated = await fetch(gatewayUrl, { method: 'POST', body: BODY, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } });

    const ratio = round(gateway.calls_per_s / bare.calls_per_s);
    const result = {
      benchmark: 'mcp: tools/call search_resources over Streamable HTTP (stateless POST /mcp), distributed mode',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, load_average_1m_at_end: round(loadavg()[0], 1) },
      settings: { connections: CONNECTIONS, seconds: SECONDS, warmup_seconds: 3, resources_stored: RESOURCES, arguments: ARGS, protocol_version: PROTOCOL, result_bytes: JSON.stringify(expected).length },
      gateway,
      baseline_bare_sdk_server: bare,
      ratio_gateway_to_baseline: ratio,
      goal: { ratio: 0.5, p50_ms: 15, met: ratio >= 0.5 && gateway.p50_ms < 15 },
      sanity: { same_result_after_load: JSON.stringify(after) === JSON.stringify(expected), unauthenticated_status: unauthenticated.status, www_authenticate: unauthenticated.headers.get('www-authenticate') },
    };
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/mcp.json'), JSON.stringify(result, null, 2) + '\n');
    writeFileSync(join(ROOT, 'bench/results/mcp.md'), markdown(result, gateway, bare));
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    baseline?.stop();
    await sut.stop();
  }
}

type Run = ReturnType<typeof summary> & { cpu_ms_per_call: Record<string, number> };

function markdown(result: { date: string; machine: { cpus: number; model?: string; node: string; load_average_1m_at_end: number }; settings: { result_bytes: number }; ratio_gateway_to_baseline: number; goal: { met: boolean }; sanity: { same_result_after_load: boolean; unauthenticated_status: number } }, gateway: Run, bare: Run): string {
  const row = (name: string, r: Run) => `| ${name} | ${r.calls_per_s} | ${r.p50_ms} | ${r.p90_ms} | ${r.p99_ms} | ${r.max_ms} | ${r.non_2xx} | ${r.errors} |`;
  return [
    `# MCP benchmark (${result.date})`,
    '',
    `\`tools/call search_resources {"type":"ec2:instance","limit":20}\` (a ${result.settings.result_bytes}-byte result) as stateless Streamable HTTP POSTs to /mcp, ${CONNECTIONS} concurrent clients, ${SECONDS} s after a 3 s warm-up; ${result.machine.cpus} CPUs (${result.machine.model}), Node ${result.machine.node}. Everything (four apps, NATS, PostgreSQL, the load generator, the baseline) shares this machine; load average (1 min) at the end: ${result.machine.load_average_1m_at_end}.`,
    '',
    '| target | calls/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    row('gateway /mcp (distributed)', gateway),
    row('bare SDK server, same result', bare),
    '',
    'CPU per call (milliseconds of user + system time, from /proc, over the measured run):',
    '',
    '| process | gateway run | baseline run |',
    '|---|---:|---:|',
    ...Object.keys({ ...gateway.cpu_ms_per_call, ...bare.cpu_ms_per_call }).map((k) => `| ${k} | ${gateway.cpu_ms_per_call[k] ?? '—'} | ${bare.cpu_ms_per_call[k] ?? '—'} |`),
    '',
    `Gateway / baseline calls/s: ${result.ratio_gateway_to_baseline}. Goal (≥ 0.5 of the baseline and p50 < 15 ms): ${result.goal.met ? 'met' : 'not met'}. Same result after the load: ${result.sanity.same_result_after_load}; without credentials: ${result.sanity.unauthenticated_status}.`,
    '',
  ].join('\n');
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
