/**
 * `npm run bench:inventory`: the fleet inventory's ingest rate and query latency.
 *
 * What runs (in this process, composed the way standalone mode composes the apps): fleet-service and the
 * gateway on a fresh PostgreSQL database (127.0.0.1:5432) and the in-process bus; STS (the per-account access
 * check) is a moto_server. A synthetic collector registered in the CollectorRegistry yields the resources, so
 * the figure is our pipeline (plan → collect → multi-row upsert with change detection → events → task outcome),
 * not AWS. Steps:
 *   1. ingest: POST /api/v1/inventory/sync for 200,000 new resources (1 account × 4 regions × 50,000), timed from
 *      the run's started_at to finished_at, and to the publication of the last fleet.resource.discovered (the outbox
 *      relay publishes after each batch's commit); then the same again with nothing changed (re-sync);
 *   2. baseline: a raw COPY of the same 200,000 rows into a table LIKE fleet.resources INCLUDING ALL (same indexes);
 *   3. queries: the registry filled to 1,000,000 rows (COPY), ANALYZE, then through the gateway over HTTP with 8 in
 *      flight: a tag query, a type + region query; p50/p95 of the client-side latency.
 * Results: bench/results/inventory.json and inventory.md. Built like the apps (swc) and run with node; not part of npm test.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import 'reflect-metadata';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ConfigSchema, loadConfig } from '@app/config';
import { eventsPublished } from '@app/observability';
import { createStandaloneRuntime, RunningApp } from '@app/platform';
import { startFleetService } from '../apps/fleet-service/src/main';
import { startGateway } from '../apps/gateway/src/main';
import { CollectorRegistry, type CollectedResource, type ResourceCollector } from '../apps/fleet-service/src/inventory';
import { createTestDatabase } from '../test/support/infra';
import { startMoto } from '../test/support/moto';
import { numberArg } from './args';

const ROOT = resolve(__dirname, '../..');
const INGEST = numberArg('resources', 200_000);
const STORED = numberArg('stored', 1_000_000);
const QUERIES = numberArg('queries', 400);
const IN_FLIGHT = numberArg('concurrency', 8);
/** Each query is measured one request at a time (latency) and with IN_FLIGHT at once (latency under load). */
const LEVELS = [1, IN_FLIGHT];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1'];
const ACCOUNT = '123456789012';
const PG_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TEAMS = 20;
const APPS = 1000;

/** The synthetic resource number `i` of a region: deterministic, shaped like a collector's output. */
function synthetic(account: string, region: string, i: number): CollectedResource {
  return {
    arn: `arn:aws:bench:${region}:${account}:item/item-${String(i).padStart(7, '0')}`,
    account_id: account,
    region,
    service: 'bench',
    type: 'bench:item',
    name: `item-${i}`,
    state: i % 10 === 0 ? 'stopped' : 'running',
    tags: { team: `team-${i % TEAMS}`, env: ['prod', 'staging', 'dev', 'test'][i % 4], app: `app-${i % APPS}` },
    created_at: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
    properties: { ItemId: `item-${i}`, Size: i % 512, Zone: `${region}${'abc'[i % 3]}`, Flags: ['a', 'b'], Nested: { Version: 3, Owner: account } },
  };
}

class SyntheticCollector implements ResourceCollector {
  readonly type = 'bench:item';
  readonly service = 'bench';
  readonly global = false;
  perRegion = 0;
  offset = 0;
  async *collect(ctx: { accountId: string; region: string }): AsyncIterable<CollectedResource> {
    for (let i = 0; i < this.perRegion; i++) yield synthetic(ctx.accountId, ctx.region, this.offset + i);
  }
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

/** COPY text format: tab-separated, \N for null, backslashes and control characters escaped. */
function copyField(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

async function copyRows(client: Client, table: string, rows: Iterable<CollectedResource>, seenAt: string): Promise<void> {
  const cols = 'arn, account_id, region, service, type, name, state, tags, created_at, properties, first_seen_at, last_seen_at';
  const lines = (function* () {
    let chunk = '';
    for (const r of rows) {
      chunk += [r.arn, r.account_id, r.region, r.service, r.type, r.name, r.state, r.tags, r.created_at, r.properties, seenAt, seenAt].map(copyField).join('\t') + '\n';
      if (chunk.length > 1 << 20) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  })();
  await pipeline(Readable.from(lines), client.query(copyFrom(`COPY ${table} (${cols}) FROM STDIN`)));
}

function* range(regionCount: number, perRegion: number, offset: number) {
  for (const region of REGIONS.slice(0, regionCount)) for (let i = 0; i < perRegion; i++) yield synthetic(ACCOUNT, region, offset + i);
}

async function main(): Promise<void> {
  const started = Date.now();
  const database = await createTestDatabase('mcp_bench_inventory', PG_URL);
  const dbUrl = new URL(database.url);
  const workDir = mkdtempSync(join(tmpdir(), 'bench-inventory-'));
  const moto = await startMoto();
  const apps: RunningApp[] = [];
  let db: Client | undefined;
  try {
    // The SDK's default chain (the service's own credentials) reads these; only this script sets them.
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
    const adminPassword = `bench-${randomUUID()}`;
    const hasAuth = 'auth' in ConfigSchema.shape;
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
        MCP_FLEET_SYNC_CONCURRENCY: String(REGIONS.length),
        MCP_DATABASE_POOL_SIZE: '12',
        // The gateway's own limits are for people, not for a load generator.
        ...(hasAuth ? { BOOTSTRAP_ADMIN_PASSWORD: adminPassword, MCP_AUTH_RATE_LIMIT_PER_MINUTE: '10000000', MCP_AUTH_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '10000000' } : {}),
      },
    });
    const runtime = await createStandaloneRuntime(config);
    const fleet = await startFleetService(runtime);
    apps.push(fleet);
    const gateway = await startGateway(runtime);
    apps.push(gateway);
    const base = gateway.url!;
    const collector = new SyntheticCollector();
    (fleet as unknown as { nest: { get<T>(t: new (...a: never[]) => T): T } }).nest.get(CollectorRegistry).registerCollector(collector);

    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (hasAuth) {
      const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers, body: JSON.stringify({ username: 'admin', password: adminPassword }) });
      if (login.ok) headers.authorization = `Bearer ${((await login.json()) as { access_token: string }).access_token}`;
    }
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const json = (await res.json()) as any;
      if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    await call('POST', '/api/v1/accounts', { account_id: ACCOUNT, name: 'bench', regions: REGIONS });

    const sync = async () => {
      const accepted = await call('POST', '/api/v1/inventory/sync', { account_ids: [ACCOUNT], types: ['bench:item'] });
      const t0 = Date.now();
      for (;;) {
        const run = await call('GET', `/api/v1/inventory/sync/${accepted.id}`);
        if (run.status !== 'RUNNING') {
          if (run.status !== 'SUCCEEDED') throw new Error(`sync ${run.status}: ${JSON.stringify(run.tasks.map((t: any) => t.error))}`);
          const seconds = (Date.parse(run.finished_at) - Date.parse(run.started_at)) / 1000;
          return { run, seconds, wallSeconds: (Date.now() - t0) / 1000 };
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    // 1. Ingest through the real sync path; the events are counted as the outbox relay publishes them (its metric:
    // a subscriber would add a copy of every event to the process being measured).
    const discoveredEvents = async () => (await eventsPublished.get()).values.find((v) => v.labels.type === 'fleet.resource.discovered')?.value ?? 0;
    let lastEventAt = 0;
    const watchStart = Date.now();
    const watching = (async () => {
      while (Date.now() - watchStart < 600_000) {
        if ((await discoveredEvents()) >= INGEST) return void (lastEventAt = Date.now());
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    collector.perRegion = INGEST / REGIONS.length;
    console.log(`ingest: ${INGEST} new resources through POST /inventory/sync ...`);
    const first = await sync();
    if (first.run.discovered !== INGEST) throw new Error(`expected ${INGEST} discovered, got ${first.run.discovered}`);
    console.log(`  ${first.seconds} s → ${Math.round(INGEST / first.seconds)} resources/s`);
    await watching;
    if ((await discoveredEvents()) !== INGEST) throw new Error(`expected ${INGEST} fleet.resource.discovered events, got ${await discoveredEvents()}`);
    const eventsSeconds = round(Math.max(first.seconds, (lastEventAt - Date.parse(first.run.started_at)) / 1000), 3);
    console.log(`  every discovered event published ${eventsSeconds} s after the start → ${Math.round(INGEST / eventsSeconds)} events/s`);
    const again = await sync();
    if (again.run.discovered !== 0 || again.run.changed !== 0) throw new Error('the unchanged re-sync reported changes');
    console.log(`  re-sync, nothing changed: ${again.seconds} s → ${Math.round(INGEST / again.seconds)} resources/s`);

    // 2. Raw COPY of the same rows into a table with the same columns and indexes.
    db = new Client({ connectionString: dbUrl.toString() });
    await db.connect();
    await db.query('CREATE TABLE fleet.resources_copy (LIKE fleet.resources INCLUDING ALL)');
    const seenAt = new Date().toISOString();
    const c0 = process.hrtime.bigint();
    await copyRows(db, 'fleet.resources_copy', range(REGIONS.length, INGEST / REGIONS.length, 0), seenAt);
    const copySeconds = Number(process.hrtime.bigint() - c0) / 1e9;
    await db.query('DROP TABLE fleet.resources_copy');
    console.log(`baseline COPY: ${round(copySeconds, 2)} s → ${Math.round(INGEST / copySeconds)} rows/s`);

    // 3. Fill to STORED rows (setup, not measured), then query through the gateway.
    const fill = STORED - INGEST;
    console.log(`filling the registry to ${STORED} rows ...`);
    await copyRows(db, 'fleet.resources', range(REGIONS.length, fill / REGIONS.length, INGEST / REGIONS.length), seenAt);
    await db.query('VACUUM ANALYZE fleet.resources');
    const stored = Number((await db.query('SELECT count(*) AS n FROM fleet.resources')).rows[0].n);

    const measure = async (label: string, path: string, inFlight: number) => {
      const first = await call('GET', path);
      if (!first.items.length) throw new Error(`${label}: no results`);
      for (let i = 0; i < 30; i++) await call('GET', path); // warm-up
      const latencies: number[] = [];
      let next = 0;
      const worker = async () => {
        while (next++ < QUERIES) {
          const t = process.hrtime.bigint();
          await call('GET', path);
          latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
        }
      };
      const w0 = Date.now();
      await Promise.all(Array.from({ length: inFlight }, worker));
      const wall = (Date.now() - w0) / 1000;
      latencies.sort((a, b) => a - b);
      const r = { label, path, in_flight: inFlight, requests: latencies.length, page_size: first.items.length, p50_ms: round(pct(latencies, 50), 2), p95_ms: round(pct(latencies, 95), 2), p99_ms: round(pct(latencies, 99), 2), requests_per_s: Math.round(latencies.length / wall) };
      console.log(`  ${label}: p50 ${r.p50_ms} ms, p95 ${r.p95_ms} ms (${r.requests} requests, ${inFlight} in flight)`);
      return r;
    };
    console.log(`queries through the gateway on ${stored} rows ...`);
    // The database's own share: EXPLAIN ANALYZE of the SQL the repository sends for the same filters (median of 20).
    const cols = 'arn, account_id, region, service, type, name, state, tags, created_at, properties, first_seen_at, last_seen_at, removed_at';
    const dbMs = async (where: string, params: unknown[]) => {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const plan = await db!.query(`EXPLAIN (ANALYZE, FORMAT JSON) SELECT ${cols} FROM fleet.resources WHERE removed_at IS NULL AND ${where} ORDER BY arn LIMIT 51`, params);
        times.push(plan.rows[0]['QUERY PLAN'][0]['Execution Time'] as number);
      }
      return round(times.sort((x, y) => x - y)[10], 3);
    };
    const dbExecution = {
      'tag=team:team-7': await dbMs('tags @> $1::jsonb', ['{"team":"team-7"}']),
      'tag=team:team-7&tag=app:app-7': await dbMs('tags @> $1::jsonb', ['{"team":"team-7","app":"app-7"}']),
      'type=bench:item&region=eu-west-1': await dbMs('type = $1 AND region = $2', ['bench:item', 'eu-west-1']),
    };
    console.log('  database execution (median ms):', JSON.stringify(dbExecution));
    const queries: Array<Awaited<ReturnType<typeof measure>>> = [];
    for (const inFlight of LEVELS) {
      queries.push(await measure('tag query (team, 1 in 20 rows match)', '/api/v1/resources?tag=team:team-7', inFlight));
      queries.push(await measure('tag query, two tags (team + app, 1 in 1000)', '/api/v1/resources?tag=team:team-7&tag=app:app-7', inFlight));
      queries.push(await measure('type + region query (1 in 4 rows match)', '/api/v1/resources?type=bench:item&region=eu-west-1', inFlight));
    }

    const ingestRate = Math.round(INGEST / first.seconds);
    const copyRate = Math.round(INGEST / copySeconds);
    const result = {
      when: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, load_average_1m_at_end: round(loadavg()[0], 1) },
      setup: { mode: 'standalone composition: fleet-service + gateway in one process, in-process bus, PostgreSQL 127.0.0.1:5432 (fresh database)', batch_size: config.fleet.sync_batch_size, sync_concurrency: config.fleet.sync_concurrency, regions: REGIONS.length, accounts: 1 },
      ingest: {
        resources: INGEST,
        seconds: first.seconds,
        resources_per_s: ingestRate,
        goal_resources_per_s: 20_000,
        events_published_seconds: eventsSeconds,
        events_per_s: Math.round(INGEST / eventsSeconds),
        resync_unchanged_seconds: again.seconds,
        resync_unchanged_resources_per_s: Math.round(INGEST / again.seconds),
        baseline_copy_seconds: round(copySeconds, 3),
        baseline_copy_rows_per_s: copyRate,
        ratio_to_copy: round(ingestRate / copyRate, 3),
      },
      queries: { stored_rows: stored, goal_p95_ms: 50, database_execution_median_ms: dbExecution, results: queries },
      total_seconds: Math.round((Date.now() - started) / 1000),
    };
    const outDir = join(ROOT, 'bench/results');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'inventory.json'), JSON.stringify(result, null, 2) + '\n');
    writeFileSync(
      join(outDir, 'inventory.md'),
      [
        '# Inventory benchmark (`npm run bench:inventory`)',
        '',
        `${result.when} · ${result.machine.cpus} CPUs (${result.machine.cpu}) · Node ${result.machine.node}`,
        '',
        `Setup: ${result.setup.mode}; synthetic collector (1 account × ${REGIONS.length} regions), batch ${result.setup.batch_size}, ${result.setup.sync_concurrency} tasks at once.`,
        '',
        '## Ingest (POST /api/v1/inventory/sync, run started_at → finished_at)',
        '',
        '| what | rows | seconds | rows/s |',
        '|---|---:|---:|---:|',
        `| sync, all new (discovered events) | ${INGEST} | ${first.seconds} | **${ingestRate}** |`,
        `| … until the last discovered event is published (outbox relay) | ${INGEST} | ${eventsSeconds} | ${result.ingest.events_per_s} |`,
        `| sync again, nothing changed | ${INGEST} | ${again.seconds} | ${result.ingest.resync_unchanged_resources_per_s} |`,
        `| baseline: raw COPY, same rows and indexes | ${INGEST} | ${result.ingest.baseline_copy_seconds} | ${copyRate} |`,
        '',
        `Sync / COPY = **${result.ingest.ratio_to_copy}** · goal ≥ 20,000 resources/s: ${ingestRate >= 20_000 ? 'met' : 'NOT met'}`,
        '',
        `## Queries through the gateway (${stored} rows stored, pages of 50 with properties, ${QUERIES} requests each)`,
        '',
        '| query | in flight | page | p50 ms | p95 ms | p99 ms | req/s |',
        '|---|---:|---:|---:|---:|---:|---:|',
        ...queries.map((q) => `| ${q.label}: \`${q.path}\` | ${q.in_flight} | ${q.page_size} | ${q.p50_ms} | **${q.p95_ms}** | ${q.p99_ms} | ${q.requests_per_s} |`),
        '',
        ...LEVELS.map((l) => `Goal p95 < 50 ms with ${l} in flight: ${queries.filter((q) => q.in_flight === l).every((q) => q.p95_ms < 50) ? 'met' : 'NOT met'}`),
        '',
        `Database execution alone (EXPLAIN ANALYZE, median of 20, ms): ${Object.entries(dbExecution).map(([k, v]) => `\`${k}\` ${v}`).join(' · ')}`,
        '',
        `Machine load (1-minute average) at the end: ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs.`,
        '',
      ].join('\n'),
    );
    console.log(JSON.stringify(result.ingest), `\nwrote bench/results/inventory.{json,md} in ${result.total_seconds} s`);
  } finally {
    await db?.end().catch(() => undefined);
    for (const a of apps.reverse()) await a.close().catch(() => undefined);
    await moto.stop();
    await database.drop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
