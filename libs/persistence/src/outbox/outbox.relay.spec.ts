import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudEvent } from '@app/contracts';
import { InProcessMessageBus, MessageBus, NatsMessageBus } from '@app/messaging';
import { runWithCorrelation } from '@app/observability';
import { createTestDatabase, ensureInfrastructure, NatsServer, startNatsServer, waitFor } from '@app/testing';
import { AckPolicy, connect, DeliverPolicy, NatsConnection } from 'nats';
import { DataSource } from 'typeorm';
import { openServiceDataSource } from '../data-source.factory';
import { createOutbox } from './outbox.module';
import { OutboxRelaySettings } from './outbox.relay';
import { createOutboxTables } from './outbox.store';

const SCHEMA = 'box';
const FAST: Partial<OutboxRelaySettings> = { batch: 50, window: 8, sweepMs: 200, contendedMs: 50, backoff: { enabled: true, max_attempts: 1, initial_backoff_seconds: 0.2, max_backoff_seconds: 1, backoff_multiplier: 2, retry_on_status_codes: [] } };

/** The outbox's SQL and relay against a real PostgreSQL; the bus is the in-process one or a nats-server of the test's own. */
describe('transactional outbox on PostgreSQL', () => {
  let db: { url: string; drop(): Promise<void> };
  const open: DataSource[] = [];
  const buses: MessageBus[] = [];

  const dataSource = async () => {
    const ds = await openServiceDataSource({ url: db.url, schema: SCHEMA, entities: [], migrations: [], migrationsRun: false, poolSize: 4, ssl: false, applicationName: 'outbox-spec' });
    open.push(ds);
    return ds;
  };
  /** A real bus whose publishes are counted (the in-process one drops repeated ids, so it cannot show duplicates). */
  const counted = (bus: MessageBus, calls: string[]): MessageBus => {
    buses.push(bus);
    return Object.assign(Object.create(bus) as MessageBus, { publish: (e: CloudEvent, s?: string) => (calls.push(e.id), bus.publish(e, s)) });
  };
  const received = (bus: MessageBus) => {
    const got: CloudEvent[] = [];
    bus.subscribe('box.>', (e) => got.push(e));
    return got;
  };
  /** Events not yet published, over all rows. */
  const pending = async (ds: DataSource): Promise<number> => (await ds.query(`SELECT coalesce(sum("n" - "published"), 0)::int AS n FROM "box"."outbox"`))[0].n;
  const events = (n: number, subject: string, from = 0) => Array.from({ length: n }, (_, i) => ({ type: 'box.item.made', subject, data: { n: from + i } }));

  beforeAll(async () => {
    await ensureInfrastructure();
    db = await createTestDatabase('mcp_outbox_spec');
    const ds = await dataSource();
    await createOutboxTables(ds, SCHEMA);
    await ds.query(`CREATE TABLE "box"."items" ("n" integer PRIMARY KEY)`);
  }, 60000);

  afterEach(async () => {
    await open[0].query(`DELETE FROM "box"."outbox"; DELETE FROM "box"."outbox_relay"; DELETE FROM "box"."items"`);
  });

  afterAll(async () => {
    for (const b of buses) await b.close().catch(() => undefined);
    for (const ds of open) await ds.destroy().catch(() => undefined);
    await db?.drop();
  });

  it('writes the events with the change, publishes them after the commit in commit order with their ids, then deletes them', async () => {
    const ds = await dataSource();
    const bus = new InProcessMessageBus();
    buses.push(bus);
    const got = received(bus);
    const { outbox, relay } = createOutbox(ds, SCHEMA, bus, 'spec', FAST);
    // Three commits of 60, 1 and 60 events (more than a batch), one of them with a correlation id.
    await outbox.transaction(async (m, emit) => {
      await m.query(`INSERT INTO "box"."items" SELECT generate_series(0, 59)`);
      emit(...events(60, 'a'));
    });
    await runWithCorrelation('corr-1', () => outbox.transaction(async (_m, emit) => emit({ type: 'box.item.named', subject: 'a', data: { n: 60 }, id: 'stable-id-60' })));
    await outbox.transaction(async (_m, emit) => emit(...events(60, 'b', 61)));
    await relay.kick();
    await waitFor(() => got.length === 121, 5000, 20, 'every event');
    expect(got.map((e) => (e.data as { n: number }).n)).toEqual(Array.from({ length: 121 }, (_, i) => i));
    expect(got[60]).toMatchObject({ id: 'stable-id-60', type: 'box.item.named', subject: 'a', source: '/aws-mcp-server/spec', correlationid: 'corr-1' });
    expect(new Set(got.map((e) => e.id)).size).toBe(121);
    expect(await pending(ds)).toBe(0);
  });

  it('writes nothing when the transaction rolls back', async () => {
    const ds = await dataSource();
    const bus = new InProcessMessageBus();
    buses.push(bus);
    const got = received(bus);
    const { outbox, relay } = createOutbox(ds, SCHEMA, bus, 'spec', FAST);
    await expect(
      outbox.transaction(async (m, emit) => {
        emit(...events(3, 'a'));
        await m.query(`INSERT INTO "box"."items" VALUES (1), (1)`); // duplicate key: the change fails
      }),
    ).rejects.toThrow();
    await relay.kick();
    expect(got).toEqual([]);
    expect(await pending(ds)).toBe(0);
  });

  it('retries after a failed publish from where it broke off: nothing lost, nothing skipped, order kept', async () => {
    const ds = await dataSource();
    const bus = new InProcessMessageBus();
    buses.push(bus);
    const got = received(bus);
    // The real in-process bus, refusing the 25th publish once (as a broken connection would).
    let calls = 0;
    const flaky = Object.assign(Object.create(bus) as MessageBus, { publish: (e: CloudEvent, s?: string) => (++calls === 25 ? Promise.reject(new Error('connection reset')) : bus.publish(e, s)) });
    const { outbox, relay } = createOutbox(ds, SCHEMA, flaky, 'spec', { ...FAST, window: 1 });
    await outbox.write(ds, events(20, 'a'));
    await outbox.write(ds, events(20, 'b', 20));
    await relay.kick();
    // 24 out: the first row whole (deleted), the second up to its 4th event (remembered as published).
    expect(got).toHaveLength(24);
    expect(await ds.query(`SELECT "n", "published" FROM "box"."outbox"`)).toEqual([{ n: 20, published: 4 }]);
    await waitFor(() => got.length === 40, 5000, 20, 'the retry after the backoff');
    expect(got.map((e) => (e.data as { n: number }).n)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(await pending(ds)).toBe(0);
    await relay.beforeApplicationShutdown();
  });

  it('lets one replica relay at a time: each event is published once, and a dead holder is taken over when its lease runs out', async () => {
    const calls: string[] = [];
    const [dsA, dsB] = [await dataSource(), await dataSource()];
    const a = createOutbox(dsA, SCHEMA, counted(new InProcessMessageBus(), calls), 'spec', FAST);
    const b = createOutbox(dsB, SCHEMA, counted(new InProcessMessageBus(), calls), 'spec', FAST);
    for (let i = 0; i < 10; i++) await (i % 2 ? a : b).outbox.write(dsA, events(20, `s${i}`, i * 20));
    await Promise.all([a.relay.kick(), b.relay.kick(), a.relay.kick(), b.relay.kick()]);
    await waitFor(async () => (await pending(dsA)) === 0, 5000, 20, 'the outbox to drain');
    expect(calls).toHaveLength(200);
    expect(new Set(calls).size).toBe(200);

    // A holder that died: its lease stands, so nobody relays until it runs out.
    calls.length = 0;
    await dsA.query(`INSERT INTO "box"."outbox_relay" ("name", "owner", "lease_until") VALUES ('relay', 'dead-replica', now() + interval '1 hour')
                     ON CONFLICT ("name") DO UPDATE SET "owner" = 'dead-replica', "lease_until" = now() + interval '1 hour'`);
    // b's passes are counted: "nothing happened" is asserted after several of them found the lease held,
    // not after a guess at how long they take.
    let contended = 0;
    const relay = b.relay as unknown as { pass(): Promise<string> };
    const pass = relay.pass.bind(relay);
    relay.pass = async () => {
      const outcome = await pass();
      if (outcome === 'contended') contended++;
      return outcome;
    };
    await a.outbox.write(dsA, events(5, 'late'));
    await b.relay.kick();
    await waitFor(() => contended >= 3, 5000, 10, 'three passes of b to find the lease held');
    expect(calls).toEqual([]);
    await dsA.query(`UPDATE "box"."outbox_relay" SET "lease_until" = now() - interval '1 second'`);
    await waitFor(() => calls.length === 5, 5000, 20, 'the take-over'); // b looks again on its own (contended → retry)
    await b.relay.beforeApplicationShutdown();
    await a.relay.beforeApplicationShutdown();
  });

  describe('with NATS JetStream', () => {
    let nats: NatsServer | undefined;
    let port: number | undefined;
    let store: string;
    let nc: NatsConnection;
    const stream = `OUTBOX_SPEC_${Date.now().toString(36).toUpperCase()}`;

    // Started again on the same port and store, as a server that was down comes back.
    const startNats = async () => {
      nats = await startNatsServer(store, port);
      port = Number(new URL(nats.url).port);
    };
    const stopNats = () => nats?.stop();
    const natsBuses: MessageBus[] = [];
    const bus = () =>
      NatsMessageBus.connect({ url: `nats://127.0.0.1:${port}`, name: 'outbox-spec', requestTimeoutMs: 2000, stream: { name: stream, subjects: ['box.>'], maxAgeHours: 1 } }).then((b) => (natsBuses.push(b), b));
    /** Everything the stream holds, in stream order: [Nats-Msg-Id, data.n]. */
    const stored = async (): Promise<Array<[string, number]>> => {
      const jsm = await nc.jetstreamManager();
      const info = await jsm.streams.info(stream);
      const out: Array<[string, number]> = [];
      if (!info.state.messages) return out;
      const name = `check_${Date.now()}`;
      await jsm.consumers.add(stream, { durable_name: name, ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.All });
      const consumer = await nc.jetstream().consumers.get(stream, name);
      while (out.length < info.state.messages) {
        const m = await consumer.next({ expires: 2000 });
        if (!m) break;
        out.push([m.headers?.get('Nats-Msg-Id') ?? '', (JSON.parse(new TextDecoder().decode(m.data)) as CloudEvent<{ n: number }>).data.n]);
      }
      await jsm.consumers.delete(stream, name);
      return out;
    };

    beforeAll(async () => {
      store = mkdtempSync(join(tmpdir(), 'outbox-spec-js-'));
      await startNats();
      nc = await connect({ servers: `127.0.0.1:${port}`, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
    }, 30000);

    afterAll(async () => {
      // While the server is up: a client closing without one would wait for it.
      for (const b of natsBuses) await b.close().catch(() => undefined);
      await nc?.close().catch(() => undefined);
      await stopNats();
      rmSync(store, { recursive: true, force: true });
    });

    it('publishes after a restart what a process committed but never relayed, under the same event ids', async () => {
      // The first process commits and stops before its relay ran (killed after the commit).
      const ds = await dataSource();
      const first = createOutbox(ds, SCHEMA, await bus(), 'spec', FAST);
      await first.outbox.write(ds, events(30, 'crash'));
      const left: Array<{ event_id: string }> = await ds.query(`SELECT x.e ->> 'id' AS "event_id" FROM "box"."outbox" o, json_array_elements(o."events") WITH ORDINALITY AS x(e, k) ORDER BY o."id", x.k`);
      expect(left).toHaveLength(30);

      // The service comes back: a new process, its own connections; its relay runs at start.
      const second = createOutbox(await dataSource(), SCHEMA, await bus(), 'spec', FAST);
      second.relay.onApplicationBootstrap();
      await waitFor(async () => (await stored()).length === 30, 10000, 100, 'the events in the stream');
      expect(await stored()).toEqual(left.map((r, i) => [r.event_id, i]));
      expect(await pending(ds)).toBe(0);
      await second.relay.beforeApplicationShutdown();
    }, 30000);

    it('keeps the events while NATS is down, retries with backoff, and publishes each once, in order, when it is back', async () => {
      const ds = await dataSource();
      const { outbox, relay } = createOutbox(ds, SCHEMA, await bus(), 'spec', FAST);
      const before = (await stored()).length;
      await stopNats();
      await outbox.write(ds, events(40, 'down', 100));
      const failed = relay.kick();
      await failed;
      // Nothing was acknowledged: every row is still there, and the relay is waiting out its backoff.
      expect(await pending(ds)).toBe(40);
      await startNats();
      await waitFor(async () => (await pending(ds)) === 0, 20000, 100, 'the relay to catch up');
      let after: Array<[string, number]> = [];
      // The test's own connection may still be reconnecting to the restarted server.
      await waitFor(async () => (after = (await stored()).slice(before)).length >= 40, 15000, 200, 'the stream to answer');
      expect(after.map(([, n]) => n)).toEqual(Array.from({ length: 40 }, (_, i) => 100 + i));
      expect(new Set(after.map(([id]) => id)).size).toBe(40);
      await relay.beforeApplicationShutdown();
    }, 60000);
  });
});
