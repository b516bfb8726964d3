/**
 * `npm run bench:delivery`: outbound delivery, events published on JetStream → the integration's webhook → a sink
 * on loopback, in distributed mode with one and with two integration-service replicas, beside a raw baseline in
 * the same run (a bare nats.js subscriber that POSTs each message to the same sink with undici).
 *
 * What runs: a nats-server of its own (JetStream, temporary directory), a fresh PostgreSQL database, the built
 * integration-service (1, then 2 processes); the integration is created and activated over NATS (rpc.*) as the
 * gateway would. Every pipeline delivery is real: durable consumer, delivery rows in PostgreSQL, leases, token
 * bucket and breaker statements, the WEBHOOK connector (Standard Webhooks headers, SSRF guard), attempt records.
 *
 * Two measurements per setup:
 * - throughput: EVENTS events published as fast as JetStream acks them; deliveries/s = events / (last first-time
 *   arrival at the sink − first publish).
 * - latency: RATE events/s for SECONDS seconds; end-to-end latency = arrival at the sink − publish time (in the
 *   event), p50/p99 over first arrivals.
 * Results: bench/results/delivery.json and delivery.md.
 *
 * Then, with one replica, ordered delivery beside a receiver that fails: FAIL_RATE events/s for FAIL_SECONDS
 * seconds (subjects cycling over FAIL_SUBJECTS resource ARNs) go to three ordered integrations at once: a healthy
 * receiver (the baseline of this measurement) and a receiver answering 500 to every 10th request, each once ordered
 * by INTEGRATION (the default) and once by SUBJECT. Deliveries/s over the window, the backlog and its oldest age at its
 * end (read through rpc.integration.deliveries.list), and whether each subject's order held at the receiver.
 * `--failing-only` runs just this part. Results: bench/results/delivery-failing.json and .md.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect, JetStreamClient, NatsConnection } from 'nats';
import { createTestDatabase } from '../test/support/infra';
import { startNatsServer } from '../test/support/nats-server';
import { freePort } from '../test/support/ports';
import { Pool } from 'undici';
import { cpuProfileArgs, numberArg } from './args';

const ROOT = process.env.BENCH_ROOT ?? resolve(__dirname, '../..');
/** Where the built apps are (BENCH_DIST: a private copy, when others rebuild dist/ meanwhile). */
const DIST = process.env.BENCH_DIST ?? join(ROOT, 'dist');
const EVENTS = numberArg('events', 20_000);
const RATE = numberArg('rate', 1000);
const SECONDS = numberArg('seconds', 10);
const FAIL_RATE = numberArg('fail-rate', 50);
const FAIL_SECONDS = numberArg('fail-seconds', 30);
const FAIL_SUBJECTS = numberArg('fail-subjects', 200);
const FAILING_ONLY = process.argv.includes('--failing-only');
const PG_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const STREAM = 'MCP_EVENTS';
const enc = new TextEncoder();
const dec = new TextDecoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The sink: first arrival per event id and path, with its latency from the publish time carried in the event. */
class Sink {
  readonly first = new Map<string, Map<string, number>>();
  /** Per path, first arrivals in order with their subject and sequence number (the failing-receiver part). */
  readonly arrivals = new Map<string, Array<{ subject: string; i: number; at: number }>>();
  private readonly served = new Map<string, number>();
  requests = 0;

  /** `/flaky*` answers 500 to every 10th request it gets (retries included). */
  fails(path: string): boolean {
    if (!path.startsWith('/flaky')) return false;
    const n = (this.served.get(path) ?? 0) + 1;
    this.served.set(path, n);
    return n % 10 === 0;
  }

  arrived(path: string, id: string, subject: string | undefined, i: number): void {
    if (subject === undefined || this.first.get(path)?.has(id)) return;
    const list = this.arrivals.get(path) ?? [];
    this.arrivals.set(path, list);
    list.push({ subject, i, at: Date.now() });
  }
  private waiters: Array<{ path: string; n: number; resolve: () => void }> = [];

  record(path: string, id: string, t0: number): void {
    this.requests++;
    const m = this.first.get(path) ?? new Map<string, number>();
    this.first.set(path, m);
    if (m.has(id)) return;
    m.set(id, Date.now() - t0);
    for (const w of [...this.waiters]) {
      if (w.path !== path || m.size < w.n) continue;
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve();
    }
  }

  until(path: string, n: number, timeoutMs: number): Promise<void> {
    if ((this.first.get(path)?.size ?? 0) >= n) return Promise.resolve();
    return new Promise((res, rej) => {
      const w = { path, n, resolve: () => (clearTimeout(t), res()) };
      const t = setTimeout(() => rej(new Error(`only ${this.first.get(path)?.size ?? 0}/${n} events reached ${path} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push(w);
    });
  }
}

function cloudEvent(subject: string, i: number, about?: string) {
  const id = randomUUID();
  const e = { specversion: '1.0', id, source: '/bench', type: subject, ...(about ? { subject: about } : {}), time: new Date().toISOString(), datacontenttype: 'application/json', data: { i, t0: Date.now() } };
  return { id, body: JSON.stringify(e) };
}

/** Publishes `n` events as fast as JetStream acknowledges them (a window of acks in flight). */
async function publishBurst(js: JetStreamClient, subject: string, n: number): Promise<number> {
  const started = Date.now();
  const inflight = new Set<Promise<unknown>>();
  for (let i = 0; i < n; i++) {
    const e = cloudEvent(subject, i);
    const p = js.publish(subject, enc.encode(e.body), { msgID: e.id }).finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= 512) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  return started;
}

/** Publishes at a steady rate for `seconds`. */
async function publishPaced(js: JetStreamClient, subject: string, rate: number, seconds: number): Promise<number> {
  const total = rate * seconds;
  const started = Date.now();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 1) await sleep(wait);
    const e = cloudEvent(subject, i);
    pending.push(js.publish(subject, enc.encode(e.body), { msgID: e.id }));
  }
  await Promise.all(pending);
  return total;
}

interface Figures {
  deliveries_per_s: number;
  latency_at_rate: { rate: number; events: number; p50_ms: number; p99_ms: number; max_ms: number };
}

async function measure(js: JetStreamClient, sink: Sink, tag: string, path: string, subjectOf: (phase: string) => string): Promise<Figures> {
  // throughput
  const tpSubject = subjectOf('burst');
  const started = await publishBurst(js, tpSubject, EVENTS);
  await sink.until(`${path}-burst`, EVENTS, 180_000);
  const elapsed = (Date.now() - started) / 1000;
  const dps = Math.round(EVENTS / elapsed);
  console.log(`${tag}: ${EVENTS} deliveries in ${elapsed.toFixed(2)} s = ${dps}/s`);
  await sleep(1000);
  // latency at a steady rate
  const n = await publishPaced(js, subjectOf('paced'), RATE, SECONDS);
  await sink.until(`${path}-paced`, n, 120_000);
  const lat = [...sink.first.get(`${path}-paced`)!.values()].sort((a, b) => a - b);
  const f = { rate: RATE, events: n, p50_ms: percentile(lat, 50), p99_ms: percentile(lat, 99), max_ms: lat[lat.length - 1] };
  console.log(`${tag}: at ${RATE}/s p50 ${f.p50_ms} ms, p99 ${f.p99_ms} ms, max ${f.max_ms} ms`);
  return { deliveries_per_s: dps, latency_at_rate: f };
}

async function rpc<T>(nc: NatsConnection, subject: string, payload: unknown): Promise<T> {
  const reply = JSON.parse(dec.decode((await nc.request(subject, enc.encode(JSON.stringify(payload)), { timeout: 15000 })).data)) as { ok: boolean; data?: T; error?: unknown };
  if (!reply.ok) throw new Error(`${subject}: ${JSON.stringify(reply.error)}`);
  return reply.data as T;
}

interface FailingSetup {
  path: string;
  receiver: 'healthy' | 'fails 10%';
  order_by: 'INTEGRATION' | 'SUBJECT';
  deliveries_per_s: number;
  delivered_in_window: number;
  backlog_at_end: { size: number; retrying: number; oldest_age_seconds: number };
  subject_order_kept: boolean;
}

interface FailingFigures {
  offered_per_s: number;
  seconds: number;
  events: number;
  subjects: number;
  setups: FailingSetup[];
}

type MakeIntegration = (name: string, path: string, subjects: string[], delivery?: Record<string, unknown>) => Promise<string>;

/** Ordered delivery with a receiver failing 10% of requests, beside a healthy one, all fed the same events. */
async function measureFailing(js: JetStreamClient, nc: NatsConnection, sink: Sink, integration: MakeIntegration): Promise<FailingFigures> {
  const setups: Array<Pick<FailingSetup, 'path' | 'receiver' | 'order_by'> & { id: string }> = [];
  for (const [path, receiver, order_by] of [
    ['/healthy-ordered', 'healthy', 'INTEGRATION'],
    ['/flaky-ordered', 'fails 10%', 'INTEGRATION'],
    ['/healthy-by-subject', 'healthy', 'SUBJECT'],
    ['/flaky-by-subject', 'fails 10%', 'SUBJECT'],
  ] as const) {
    // Defaults otherwise (retry: 3 attempts, 1 s initial backoff with full jitter; breaker at 5 in a row, never reached here).
    const id = await integration(`bench${path.replace('/', '-')}`, path, ['fleet.mixed.*'], { parallel: false, order_by, max_in_flight: 16 });
    setups.push({ id, path, receiver, order_by });
  }
  const total = FAIL_RATE * FAIL_SECONDS;
  const started = Date.now();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / FAIL_RATE - Date.now();
    if (wait > 1) await sleep(wait);
    const e = cloudEvent('fleet.mixed.changed', i, `arn:aws:ec2:eu-west-1:123456789012:instance/i-${String(i % FAIL_SUBJECTS).padStart(8, '0')}`);
    pending.push(js.publish('fleet.mixed.changed', enc.encode(e.body), { msgID: e.id }));
  }
  await Promise.all(pending);
  const end = Date.now();
  const seconds = (end - started) / 1000;
  const out: FailingSetup[] = [];
  for (const s of setups) {
    const arrivals = sink.arrivals.get(`${s.path}-changed`) ?? [];
    const inWindow = arrivals.filter((a) => a.at <= end).length;
    const page = await rpc<{ backlog: { size: number; retrying: number; oldest_age_seconds: number } }>(nc, 'rpc.integration.deliveries.list', { id: s.id, limit: 1 });
    // Per subject, first arrivals in publish order (i grows with each subject's events).
    const last = new Map<string, number>();
    let kept = true;
    for (const a of arrivals) {
      if ((last.get(a.subject) ?? -1) > a.i) kept = false;
      last.set(a.subject, a.i);
    }
    const f: FailingSetup = { path: s.path, receiver: s.receiver, order_by: s.order_by, deliveries_per_s: +(inWindow / seconds).toFixed(1), delivered_in_window: inWindow, backlog_at_end: page.backlog, subject_order_kept: kept };
    console.log(`failing receiver: ${s.receiver}, ordered by ${s.order_by}: ${f.deliveries_per_s}/s at ${FAIL_RATE}/s offered; backlog ${f.backlog_at_end.size} (oldest ${f.backlog_at_end.oldest_age_seconds} s); order per subject ${kept ? 'kept' : 'BROKEN'}`);
    out.push(f);
  }
  return { offered_per_s: FAIL_RATE, seconds: +seconds.toFixed(1), events: total, subjects: FAIL_SUBJECTS, setups: out };
}

function writeFailing(f: FailingFigures, loadAtStart: number): void {
  const outDir = join(ROOT, 'bench/results');
  mkdirSync(outDir, { recursive: true });
  // Each failing receiver against the healthy one ordered the same way, in the same run.
  const healthy = (order: string) => f.setups.find((s) => s.receiver === 'healthy' && s.order_by === order)!.deliveries_per_s;
  const load = { start: +loadAtStart.toFixed(1), end: +loadavg()[0].toFixed(1) };
  writeFileSync(join(outDir, 'delivery-failing.json'), JSON.stringify({ bench: 'delivery-failing', date: new Date().toISOString(), machine: { cpus: cpus().length, node: process.version, load_average_1m: load }, ...f }, null, 2) + '\n');
  writeFileSync(
    join(outDir, 'delivery-failing.md'),
    [
      '# Ordered delivery beside a failing receiver',
      '',
      `${new Date().toISOString()}, ${cpus().length} CPUs, Node ${process.version}, load average (1 min) at start/end ${load.start}/${load.end}. One integration-service; ${f.offered_per_s} events/s offered for ${f.seconds} s (${f.events} events over ${f.subjects} resource subjects), the same events to each integration. Retry and breaker at their defaults (3 attempts, 1 s initial backoff with full jitter). The failing receiver answers 500 to every 10th request.`,
      '',
      '| receiver | ordered by | deliveries/s | of the healthy one (same order_by) | backlog at the end | its oldest | order per subject |',
      '|---|---|---|---|---|---|---|',
      ...f.setups.map((s) => `| ${s.receiver} | ${s.order_by} | ${s.deliveries_per_s} | ${Math.round((s.deliveries_per_s / healthy(s.order_by)) * 100)}% | ${s.backlog_at_end.size} | ${s.backlog_at_end.oldest_age_seconds} s | ${s.subject_order_kept ? 'kept' : 'broken'} |`),
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0];
  const work = mkdtempSync(join(tmpdir(), 'mcp-bench-delivery-'));
  const cleanups: Array<() => Promise<void> | void> = [() => rmSync(work, { recursive: true, force: true })];
  const procs: ChildProcess[] = [];
  try {
    const natsServer = await startNatsServer(join(work, 'js'));
    cleanups.unshift(() => natsServer.stop());
    const natsUrl = natsServer.url;
    const nc = await connect({ servers: natsUrl });
    cleanups.unshift(() => nc.close());
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: STREAM, subjects: ['integration.>', 'fleet.>', 'health.>'] });
    const js = nc.jetstream();

    const database = await createTestDatabase('mcp_bench_delivery', PG_URL);
    cleanups.unshift(() => database.drop());
    const dbUrl = new URL(database.url);

    const sink = new Sink();
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method === 'POST') {
          if (sink.fails(req.url ?? '')) return void res.writeHead(500, { 'content-type': 'application/json' }).end('{}');
          try {
            const e = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string; type: string; subject?: string; data: { t0: number; i: number } };
            const path = `${req.url}-${e.type.split('.').pop()}`;
            sink.arrived(path, e.id, e.subject, e.data.i);
            sink.record(path, e.id, e.data.t0);
          } catch {
            // not an event
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.unshift(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
    const sinkUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // --- raw baseline: a bare subscriber that POSTs each message with undici
    const pool = new Pool(sinkUrl, { connections: 64, pipelining: 1 });
    cleanups.unshift(() => pool.close());
    const rawSub = nc.subscribe('fleet.raw.*', {
      callback: (_e, m) => {
        void pool
          .request({ method: 'POST', path: '/raw', headers: { 'content-type': 'application/json' }, body: m.data })
          .then((r) => r.body.dump())
          .catch(() => undefined);
      },
    });
    const raw = FAILING_ONLY ? undefined : await measure(js, sink, 'raw baseline', '/raw', (p) => `fleet.raw.${p}`);
    rawSub.unsubscribe();

    // --- the pipeline
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? work,
      DATABASE_URL: dbUrl.toString(),
      NATS_URL: natsUrl,
      MCP_NATS_STREAM: STREAM,
      MCP_SECURITY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      MCP_SERVER_HOST: '127.0.0.1',
      MCP_LOGGING_LEVEL: 'warn',
      MCP_DATA_DIR: join(work, 'data'),
      MCP_INTEGRATIONS_ALLOW_OUTBOUND: '127.0.0.0/8',
    };
    mkdirSync(join(work, 'data'), { recursive: true });
    const startService = async (n: number) => {
      const port = await freePort();
      const log = join(work, `integration-service-${n}.log`);
      // BENCH_CPU_PROF=<dir>: a V8 CPU profile of each integration-service process, written when it stops.
      const child = spawn(process.execPath, [...cpuProfileArgs(), join(DIST, 'apps/integration-service/src/main.js')], { env: { ...env, MCP_SERVER_PORT: String(port) }, stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')] });
      procs.push(child);
      for (let i = 0; i < 300; i++) {
        if (child.exitCode !== null) throw new Error(`integration-service exited: ${readFileSync(log, 'utf8').slice(-2000)}`);
        if ((await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null))?.status === 200) return;
        await sleep(200);
      }
      throw new Error('integration-service did not become ready');
    };
    cleanups.unshift(() => Promise.all(procs.map((p) => new Promise<void>((r) => (p.exitCode !== null ? r() : (p.once('exit', () => r()), p.kill('SIGTERM')))))).then(() => undefined));
    const integration = async (name: string, path: string, subjects: string[], delivery: Record<string, unknown> = { parallel: true, max_in_flight: 256 }) => {
      const created = await rpc<{ id: string }>(nc!, 'rpc.integration.create', {
        name,
        description: 'bench',
        type: 'WEBHOOK',
        direction: 'OUTBOUND',
        connection: { url: `${sinkUrl}${path}` },
        subscriptions: [{ subjects }],
        rate_limit_per_minute: 1_000_000,
        delivery,
      });
      const tested = await rpc<{ status: string }>(nc!, 'rpc.integration.test', { id: created.id });
      if (tested.status !== 'ACTIVE') throw new Error(`integration ${name} is ${tested.status}`);
      await sleep(1500); // every replica has seen the status change
      return created.id;
    };

    await startService(1);
    const failing = await measureFailing(js, nc, sink, integration);
    writeFailing(failing, loadAtStart);
    if (FAILING_ONLY) return;
    await integration('bench-1', '/one', ['fleet.one.*']);
    const one = await measure(js, sink, '1 replica', '/one', (p) => `fleet.one.${p}`);

    await startService(2);
    await integration('bench-2', '/two', ['fleet.two.*']);
    const two = await measure(js, sink, '2 replicas', '/two', (p) => `fleet.two.${p}`);

    if (!raw) return;
    const goals = { deliveries_per_s: 3000, ratio_of_baseline: 0.4, p99_ms_at_1000: 250 };
    const best = Math.max(one.deliveries_per_s, two.deliveries_per_s);
    const result = {
      bench: 'delivery',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, load_average_1m: { start: +loadAtStart.toFixed(1), end: +loadavg()[0].toFixed(1) } },
      events: EVENTS,
      raw_baseline: raw,
      pipeline_1_replica: { ...one, ratio_of_baseline: +(one.deliveries_per_s / raw.deliveries_per_s).toFixed(2) },
      pipeline_2_replicas: { ...two, ratio_of_baseline: +(two.deliveries_per_s / raw.deliveries_per_s).toFixed(2) },
      sink_requests: sink.requests,
      goals,
      met: {
        deliveries_per_s: best >= goals.deliveries_per_s,
        ratio_of_baseline: best / raw.deliveries_per_s >= goals.ratio_of_baseline,
        p99_at_1000: Math.max(one.latency_at_rate.p99_ms, two.latency_at_rate.p99_ms) < goals.p99_ms_at_1000,
      },
    };
    const outDir = join(ROOT, 'bench/results');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'delivery.json'), JSON.stringify(result, null, 2) + '\n');
    const row = (name: string, f: Figures, ratio?: number) =>
      `| ${name} | ${f.deliveries_per_s} | ${ratio === undefined ? '—' : `${Math.round(ratio * 100)}%`} | ${f.latency_at_rate.p50_ms} | ${f.latency_at_rate.p99_ms} | ${f.latency_at_rate.max_ms} |`;
    writeFileSync(
      join(outDir, 'delivery.md'),
      [
        '# Outbound delivery benchmark',
        '',
        `${result.date}, ${result.machine.cpus} CPUs (${result.machine.model}), Node ${result.machine.node}. Everything on this machine: nats-server, PostgreSQL, the sink, the publisher. Load average (1 min) at start/end: ${result.machine.load_average_1m.start}/${result.machine.load_average_1m.end} (other work on the machine counts: compare the ratio to the baseline, measured in the same run).`,
        '',
        `Throughput: ${EVENTS} events published as fast as JetStream acknowledges them → webhook sink on loopback. Latency: ${RATE} events/s for ${SECONDS} s, publish → first arrival at the sink.`,
        '',
        '| setup | deliveries/s | of baseline | p50 ms | p99 ms | max ms |',
        '|---|---|---|---|---|---|',
        row('raw baseline (nats.js subscriber → undici POST)', raw),
        row('pipeline, 1 integration-service', one, result.pipeline_1_replica.ratio_of_baseline),
        row('pipeline, 2 integration-service replicas', two, result.pipeline_2_replicas.ratio_of_baseline),
        '',
        `Goals: ≥ ${goals.deliveries_per_s} deliveries/s (${result.met.deliveries_per_s ? 'met' : 'not met'}), ≥ ${goals.ratio_of_baseline * 100}% of the baseline (${result.met.ratio_of_baseline ? 'met' : 'not met'}), p99 < ${goals.p99_ms_at_1000} ms at 1,000 events/s (${result.met.p99_at_1000 ? 'met' : 'not met'}).`,
        '',
      ].join('\n'),
    );
    console.log(JSON.stringify(result, null, 2));
  } finally {
    for (const c of cleanups) await Promise.resolve(c()).catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
