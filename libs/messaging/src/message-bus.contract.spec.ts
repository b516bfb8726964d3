import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppException, CloudEvent, createCloudEvent, EVENT_STREAM, RpcSubjects } from '@app/contracts';
import { NatsServer, startNatsServer, waitFor } from '@app/testing';
import { InProcessMessageBus } from './in-process-message-bus';
import { BatchItem, Closeable, MessageBus } from './message-bus';
import { NatsMessageBus } from './nats-message-bus';

/**
 * The port's contract, run against both adapters: what a service relies on must hold on NATS (a nats-server of the
 * spec's own) and in-process alike, so a handler never knows which one it runs on.
 */
interface Adapter {
  name: string;
  open(): Promise<MessageBus>;
  stop(): Promise<void>;
}

let nats: NatsServer | undefined;
let store: string | undefined;
const adapters: Adapter[] = [
  { name: 'in-process', open: async () => new InProcessMessageBus(2000), stop: async () => undefined },
  {
    name: 'NATS',
    open: async () => {
      if (!nats) {
        store = mkdtempSync(join(tmpdir(), 'bus-contract-'));
        nats = await startNatsServer(store);
      }
      return NatsMessageBus.connect({ url: nats.url, name: 'bus-contract-spec', requestTimeoutMs: 2000, stream: { name: 'MCP_EVENTS', subjects: EVENT_STREAM.subjects, maxAgeHours: 1 } });
    },
    stop: async () => {
      await nats?.stop();
      if (store) rmSync(store, { recursive: true, force: true });
    },
  },
];

const event = (type: string, n: number): CloudEvent => createCloudEvent({ type, source: 'contract-spec', data: { n } });
const nOf = (e: CloudEvent) => (e.data as { n: number }).n;
let durables = 0;
/** A fresh durable per test: on NATS they outlive the test in the stream. */
const durable = () => `contract-${++durables}`;

describe.each(adapters)('MessageBus contract: $name', (adapter) => {
  let bus: MessageBus;
  const open: Closeable[] = [];
  const track = <T extends Closeable>(c: T): T => (open.push(c), c);

  beforeAll(async () => {
    bus = await adapter.open();
  });
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
  });
  afterAll(async () => {
    await bus.close();
    await adapter.stop();
  });

  it('answers a request across a JSON boundary, with exactly one member of a queue group', async () => {
    const calls: string[] = [];
    for (const member of ['a', 'b']) track(bus.serve(RpcSubjects.IntegrationGet, async (p) => (calls.push(member), { echo: p, at: new Date(0) }), { queue: 'contract' }));
    const replies = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => bus.request(RpcSubjects.IntegrationGet, { id: String(n) })));
    expect(replies[0]).toEqual({ echo: { id: '1' }, at: '1970-01-01T00:00:00.000Z' });
    expect(replies.map((r) => (r as unknown as { echo: { id: string } }).echo.id)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(calls).toHaveLength(6); // one answer per request, never both members
  });

  it('gathers one reply from every instance outside a queue group', async () => {
    track(bus.serve(RpcSubjects.SystemPing, async () => 'a'));
    track(bus.serve(RpcSubjects.SystemPing, async () => 'b'));
    expect((await bus.gather(RpcSubjects.SystemPing, {})).sort()).toEqual(['a', 'b']);
  });

  it("rebuilds the handler's AppException for the caller and hides other errors", async () => {
    track(bus.serve(RpcSubjects.IntegrationGet, async () => { throw new AppException('INTEGRATION_NOT_FOUND', 'nope'); }, { queue: 'contract' }));
    track(bus.serve(RpcSubjects.IntegrationDelete, async () => { throw new Error('db password is hunter2'); }, { queue: 'contract' }));
    await expect(bus.request(RpcSubjects.IntegrationGet, { id: 'x' })).rejects.toMatchObject({ code: 'INTEGRATION_NOT_FOUND', status: 404, message: 'nope' });
    const err = (await bus.request(RpcSubjects.IntegrationDelete, { id: 'x' }).catch((e: unknown) => e)) as AppException;
    expect(err).toMatchObject({ code: 'INTERNAL_ERROR', status: 500 });
    expect(err.message).not.toContain('hunter2');
  });

  it('is SERVICE_UNAVAILABLE without a responder and UPSTREAM_TIMEOUT past the call bound', async () => {
    await expect(bus.request(RpcSubjects.HealthGet, { id: 'x' })).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
    let release: () => void = () => undefined;
    track(bus.serve(RpcSubjects.IntegrationProbe, () => new Promise((r) => (release = () => r({ ok: true }))), { queue: 'contract' }));
    const err = (await bus.request(RpcSubjects.IntegrationProbe, { id: 'x' }, { timeoutMs: 100 }).catch((e: unknown) => e)) as AppException;
    release();
    expect(err).toMatchObject({ code: 'UPSTREAM_TIMEOUT', status: 503 });
    expect(err.message).toContain('100 ms');
  });

  it('delivers to a durable consumer in stream order, only the subjects it asked for', async () => {
    const got: number[] = [];
    track(await bus.consume({ durable: durable(), subjects: ['fleet.>'], handler: async (e) => void got.push(nOf(e)) }));
    for (const [type, n] of [['fleet.a', 1], ['integration.created', 2], ['fleet.b', 3], ['health.x', 4], ['fleet.c', 5]] as const) await bus.publish(event(type, n));
    await waitFor(() => got.length >= 3, 10_000, 20, 'three fleet events');
    expect(got).toEqual([1, 3, 5]);
  });

  it('splits a durable between its replicas: each event is handled once', async () => {
    const name = durable();
    const seen: Array<[string, number]> = [];
    for (const replica of ['r1', 'r2']) track(await bus.consume({ durable: name, subjects: ['health.>'], handler: async (e) => void seen.push([replica, nOf(e)]) }));
    for (let n = 1; n <= 10; n++) await bus.publish(event('health.check.completed', n));
    await waitFor(() => seen.length >= 10, 10_000, 20, 'ten events');
    await new Promise((r) => setTimeout(r, 200)); // a duplicate would arrive in this window
    expect(seen.map(([, n]) => n).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('redelivers an event whose handler failed, saying so, and drops a republished id', async () => {
    const got: Array<{ n: number; redelivered: boolean; count: number }> = [];
    let failed = false;
    track(
      await bus.consume({
        durable: durable(),
        subjects: ['fleet.>'],
        handler: async (e, d) => {
          if (nOf(e) === 2 && !failed) {
            failed = true;
            throw new Error('transient');
          }
          got.push({ n: nOf(e), redelivered: d.redelivered, count: d.deliveryCount });
        },
      }),
    );
    const first = event('fleet.resource.discovered', 1);
    await bus.publish(first);
    await bus.publish(first); // same id: dropped
    await bus.publish(event('fleet.resource.changed', 2));
    await bus.publish(event('fleet.resource.removed', 3));
    await waitFor(() => got.length >= 3, 10_000, 20, 'three events, one of them redelivered');
    expect(got.sort((a, b) => a.n - b.n)).toEqual([
      { n: 1, redelivered: false, count: 1 },
      { n: 2, redelivered: true, count: 2 },
      { n: 3, redelivered: false, count: 1 },
    ]);
  });

  it('hands a batch consumer its events in order, in batches of at most maxBatch, and redelivers a failed batch whole', async () => {
    const batches: BatchItem[][] = [];
    let failures = 0;
    track(
      await bus.consumeBatch({
        durable: durable(),
        subjects: ['fleet.>', 'health.>'],
        maxBatch: 3,
        gatherMs: 5,
        handler: async (items) => {
          if (items.some((i) => nOf(i.event) === 4) && failures === 0) {
            failures++;
            throw new Error('database away');
          }
          batches.push(items);
        },
      }),
    );
    for (let n = 1; n <= 8; n++) await bus.publish(event(n === 6 ? 'integration.created' : n % 2 ? 'fleet.x' : 'health.y', n));
    await waitFor(() => batches.flat().length >= 7, 10_000, 20, 'seven events');
    await new Promise((r) => setTimeout(r, 200));
    const handled = batches.flat();
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(3);
    expect(handled.map((i) => nOf(i.event)).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 7, 8]);
    expect(failures).toBe(1);
    // Everything in the failed batch came again, marked as redelivered; the rest once.
    const again = handled.filter((i) => i.delivery.redelivered);
    expect(again.map((i) => nOf(i.event))).toContain(4);
    for (const i of again) expect(i.delivery.deliveryCount).toBe(2);
    expect(handled.find((i) => nOf(i.event) === 1)?.delivery).toMatchObject({ subject: 'fleet.x', redelivered: false, deliveryCount: 1 });
    // First deliveries come in stream order (a redelivery may come after later events, as on NATS).
    const firsts = handled.filter((i) => !i.delivery.redelivered).map((i) => i.delivery.sequence);
    expect(firsts).toEqual([...firsts].sort((x, y) => x - y));
  });

  it('opens a stream at a position (the last sequence published) and resumes after it without losing what came in between', async () => {
    await bus.publish(event('fleet.before', 1));
    const live: number[] = [];
    const first = track(await bus.stream(['fleet.>'], {}, (e) => void live.push(nOf(e))));
    expect(first.after).toEqual(expect.any(Number));
    await bus.publish(event('fleet.between', 2)); // a reader that dropped right after opening would miss this one...
    await bus.publish(event('health.other', 3));
    await waitFor(() => live.length >= 1, 10_000, 20, 'the live event');
    expect(live).toEqual([2]); // only what came after the position: not the event before it
    const resumed: Array<[number, number]> = [];
    const again = track(await bus.stream(['fleet.>'], { afterSequence: first.after }, (e, pos) => void resumed.push([nOf(e), pos.sequence])));
    expect(again.after).toBe(first.after);
    await waitFor(() => resumed.length >= 1, 10_000, 20, 'the replayed event');
    expect(resumed.map(([n]) => n)).toEqual([2]); // ...and gets it when it resumes after the position
    expect(resumed[0][1]).toBeGreaterThan(first.after!);
  });
});
