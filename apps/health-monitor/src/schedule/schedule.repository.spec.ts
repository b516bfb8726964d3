import { HealthStatus } from '@app/contracts';
import { InProcessMessageBus } from '@app/messaging';
import { createOutbox, openServiceDataSource } from '@app/persistence';
import { createTestDatabase, ensureInfrastructure } from '@app/testing';
import { DataSource } from 'typeorm';
import { SqlCheckResultsRepository, Completion } from '../checks/check-results.repository';
import { CreateHealth1764200000000 } from '../migrations/1764200000000-create-health';
import { SharedOutbox1764400000000 } from '../migrations/1764400000000-shared-outbox';
import { InstanceLiveness1764500000000 } from '../migrations/1764500000000-instance-liveness';
import { ScheduleSnapshot, SqlScheduleRepository } from './schedule.repository';

/** The schedule's SQL against a real PostgreSQL: idempotent projection, leases with SKIP LOCKED, fencing. */
describe('health.schedule on PostgreSQL', () => {
  let db: { url: string; drop(): Promise<void> };
  let a: DataSource;
  let b: DataSource;
  const open = (url: string) =>
    openServiceDataSource({ url, schema: 'health', entities: [], migrations: [CreateHealth1764200000000, SharedOutbox1764400000000, InstanceLiveness1764500000000], migrationsRun: true, poolSize: 4, ssl: false, applicationName: 'health-spec' });

  beforeAll(async () => {
    await ensureInfrastructure();
    db = await createTestDatabase('mcp_health_spec');
    a = await open(db.url);
    b = await open(db.url); // a second "replica"
  }, 60000);

  afterAll(async () => {
    await a?.destroy();
    await b?.destroy();
    await db?.drop();
  });

  const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
  const snap = (id: string, over: Partial<ScheduleSnapshot> = {}): ScheduleSnapshot => ({
    integrationId: id,
    checkEnabled: true,
    integrationStatus: 'ACTIVE',
    intervalSeconds: 30,
    timeoutSeconds: 5,
    failureThreshold: 3,
    successThreshold: 1,
    active: true,
    nextDueAt: new Date(Date.now() + 10_000),
    version: new Date('2026-01-01T00:00:00Z'),
    ...over,
  });
  const row = async (id: string) => (await a.query(`SELECT * FROM "health"."schedule" WHERE "integration_id" = $1`, [id]))[0];

  it('applies events idempotently: a replay keeps the slot, an older version changes nothing, a tombstone is not revived', async () => {
    const repo = new SqlScheduleRepository(a);
    const id = uuid(1);
    await repo.upsert(snap(id));
    const first = await row(id);
    await repo.upsert(snap(id, { nextDueAt: new Date(Date.now() + 20_000) })); // the same event again, applied later
    expect((await row(id)).next_due_at).toEqual(first.next_due_at);

    await repo.upsert(snap(id, { failureThreshold: 9, version: new Date('2025-12-31T00:00:00Z') }));
    expect((await row(id)).failure_threshold).toBe(3);

    await repo.upsert(snap(id, { intervalSeconds: 60, nextDueAt: new Date(Date.now() + 50_000), version: new Date('2026-01-02T00:00:00Z') }));
    expect((await row(id)).interval_seconds).toBe(60);
    expect((await row(id)).next_due_at).not.toEqual(first.next_due_at); // a new interval is a new grid

    await repo.markDeleted(id, new Date('2026-01-03T00:00:00Z'));
    await repo.upsert(snap(id, { version: new Date('2026-01-04T00:00:00Z') })); // a replayed create, even a newer one
    expect(await row(id)).toMatchObject({ active: false, deleted: true });
    expect(await repo.find(id)).toMatchObject({ deleted: true });
  });

  it('follows status changes: INACTIVE stops the checks, ACTIVE starts them again at a new slot', async () => {
    const repo = new SqlScheduleRepository(a);
    const id = uuid(2);
    await repo.upsert(snap(id));
    const monitored = (checkEnabled: boolean, to: string) => checkEnabled && to !== 'INACTIVE';
    await repo.applyStatus(id, 'INACTIVE', (c) => monitored(c, 'INACTIVE'), () => new Date(), new Date('2026-01-02T00:00:00Z'));
    expect(await row(id)).toMatchObject({ active: false, integration_status: 'INACTIVE' });
    const later = new Date(Date.now() + 77_000);
    await repo.applyStatus(id, 'ACTIVE', (c) => monitored(c, 'ACTIVE'), () => later, new Date('2026-01-03T00:00:00Z'));
    expect(await row(id)).toMatchObject({ active: true, integration_status: 'ACTIVE', next_due_at: later });
    // a late, older status event is ignored
    await repo.applyStatus(id, 'INACTIVE', () => false, () => new Date(), new Date('2026-01-02T12:00:00Z'));
    expect((await row(id)).active).toBe(true);
  });

  it("takes a check over as soon as its claimer's heartbeat stops, however long its lease still runs", async () => {
    await a.query(`DELETE FROM "health"."schedule"`);
    const ra = new SqlScheduleRepository(a);
    const rb = new SqlScheduleRepository(b);
    await ra.upsert(snap(uuid(500), { nextDueAt: new Date(Date.now() - 1000), timeoutSeconds: 300 }));
    await ra.heartbeat('live-a', 60_000);
    await rb.heartbeat('live-b', 60_000);
    const [held] = await ra.claimDue(10, 'live-a', 12);
    expect(held).toBeDefined();
    // a live claimer keeps it (its lease runs 312 s)
    expect(await rb.claimDue(10, 'live-b', 12)).toEqual([]);
    // its heartbeat ends (it died 1 ms ago): the other takes it at once, with a new token
    await a.query(`UPDATE "health"."instances" SET "alive_until" = now() - interval '1 millisecond' WHERE "owner" = 'live-a'`);
    const [taken] = await rb.claimDue(10, 'live-b', 12);
    expect(taken).toMatchObject({ integration_id: uuid(500) });
    expect(taken.lease_token).not.toBe(held.lease_token);
    // a graceful stop (retire) hands over the same way
    await rb.retire('live-b');
    expect(await ra.claimDue(10, 'live-a2', 12)).toHaveLength(1);
  });

  it('hands each due check to exactly one of several concurrent claimers, and to another one when its lease expires', async () => {
    await a.query(`DELETE FROM "health"."schedule"`);
    const ra = new SqlScheduleRepository(a);
    const rb = new SqlScheduleRepository(b);
    const n = 300;
    for (let i = 0; i < n; i++) await ra.upsert(snap(uuid(1000 + i), { nextDueAt: new Date(Date.now() - 1000), timeoutSeconds: 5 }));
    const claims = await Promise.all([ra.claimDue(100, 'a1', 12), rb.claimDue(100, 'b1', 12), ra.claimDue(100, 'a2', 12), rb.claimDue(100, 'b2', 12)]);
    const ids = claims.flat().map((c) => c.integration_id);
    expect(ids.length).toBe(n);
    expect(new Set(ids).size).toBe(n);
    // leased: nothing is due any more
    expect(await rb.claimDue(1000, 'b3', 12)).toEqual([]);

    // a claimer that "died": its leases are in the past (margin -10 s on a 5 s timeout), so another one takes over
    await a.query(`UPDATE "health"."schedule" SET "lease_until" = NULL, "lease_token" = NULL`);
    const dead = await ra.claimDue(10, 'dead', -10);
    expect(dead).toHaveLength(10);
    const takeover = await rb.claimDue(10, 'alive', 12);
    expect(takeover.map((c) => c.integration_id).sort()).toEqual(dead.map((c) => c.integration_id).sort());
    expect(takeover[0].lease_token).not.toBe(dead.find((d) => d.integration_id === takeover[0].integration_id)!.lease_token);

    // the late result of the dead claimer is fenced off; the live one is recorded and moves the slot
    const results = new SqlCheckResultsRepository(a, createOutbox(a, 'health', new InProcessMessageBus(), 'health-spec').outbox);
    const completion = (c: (typeof dead)[number]): Completion => ({
      integrationId: c.integration_id,
      leaseToken: c.lease_token,
      dueAt: c.due_at,
      startedAt: new Date(),
      checkedAt: new Date(),
      outcome: 'FAILURE',
      latencyMs: 3,
      statusCode: 503,
      error: 'expected status 200, got 503',
      method: 'endpoint',
      intervalSeconds: c.interval_seconds,
      nextDueAt: new Date(c.due_at.getTime() + 30_000),
      missed: 0,
      state: { status: HealthStatus.UNKNOWN, consecutiveFailures: 1, consecutiveSuccesses: 0 },
      transitioned: false,
      outbox: [],
    });
    expect(await results.record(dead.map(completion), 'dead')).toEqual([]);
    const recorded = await results.record(takeover.map(completion), 'alive');
    expect(recorded).toHaveLength(10);
    const id = takeover[0].integration_id;
    expect(await row(id)).toMatchObject({ lease_until: null, lease_token: null, next_due_at: new Date(takeover[0].due_at.getTime() + 30_000) });
    expect(await results.latest(id, 10)).toEqual([expect.objectContaining({ outcome: 'FAILURE', status_code: 503, status_after: HealthStatus.UNKNOWN })]);
    expect(await results.state(id)).toMatchObject({ consecutive_failures: 1, last_error: 'expected status 200, got 503', last_error_status_code: 503, last_success_at: null });
  });

  it('claims checks a little ahead of their time, leased from their due time, and takes back leases not used', async () => {
    await a.query(`DELETE FROM "health"."schedule"`);
    const repo = new SqlScheduleRepository(a);
    const due = new Date(Date.now() + 3000);
    await repo.upsert(snap(uuid(7), { nextDueAt: due, timeoutSeconds: 5 }));
    expect(await repo.claimDue(10, 'x', 12)).toEqual([]);
    const [c] = await repo.claimDue(10, 'x', 12, 10_000);
    expect(c).toMatchObject({ integration_id: uuid(7), due_at: due });
    expect(new Date((await row(uuid(7))).lease_until).getTime()).toBe(due.getTime() + 17_000);
    expect(await repo.claimDue(10, 'y', 12, 10_000)).toEqual([]);
    await repo.releaseLeases([c.lease_token]);
    expect(await repo.claimDue(10, 'y', 12, 10_000)).toHaveLength(1);
  });

  it('reconcile tombstones only rows older than the listing that the listing did not have', async () => {
    await a.query(`DELETE FROM "health"."schedule"`);
    const repo = new SqlScheduleRepository(a);
    await repo.upsert(snap(uuid(1), { version: new Date('2026-01-01T00:00:00Z') }));
    await repo.upsert(snap(uuid(2), { version: new Date('2026-01-01T00:00:00Z') }));
    await repo.upsert(snap(uuid(3), { version: new Date('2026-02-01T00:00:00Z') })); // created while listing
    expect(await repo.markMissingDeleted([uuid(1)], new Date('2026-01-15T00:00:00Z'))).toBe(1);
    expect((await row(uuid(2))).deleted).toBe(true);
    expect((await row(uuid(1))).deleted).toBe(false);
    expect((await row(uuid(3))).deleted).toBe(false);
  });
});
