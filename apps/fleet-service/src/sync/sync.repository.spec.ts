import { randomUUID } from 'node:crypto';
import { InProcessMessageBus } from '@app/messaging';
import { createOutbox, openServiceDataSource } from '@app/persistence';
import { createTestDatabase, ensureInfrastructure, waitFor } from '@app/testing';
import { DataSource } from 'typeorm';
import { AccountEntity } from '../accounts/account.entity';
import { TypeOrmAccountsRepository } from '../accounts/accounts.repository';
import { newAccountRow } from '../accounts/account-rules';
import type { CollectedResource } from '../inventory';
import { CreateFleet1764150000000 } from '../migrations/1764150000000-create-fleet';
import { SyncLeases1764300000000 } from '../migrations/1764300000000-sync-leases';
import { FleetOutbox1764400000000 } from '../migrations/1764400000000-outbox';
import { ResourceEntity } from '../resources/resource.entity';
import { TypeOrmResourcesRepository } from '../resources/resources.repository';
import { SyncRunEntity } from './sync-run.entity';
import { SyncTaskEntity } from './sync-task.entity';
import { RunsToEnd, TypeOrmSyncRepository } from './sync.repository';

/**
 * Run leases, sweeps and the removal fence against a real PostgreSQL, with two "replicas" (two data sources):
 * a live run is never ended by another's sweep, an expired one is ended once, and a run that lost its run or
 * account lease cannot mark anything removed.
 */
describe('sync runs: leases, sweeps and the removal fence', () => {
  let db: { url: string; drop(): Promise<void> };
  const sources: DataSource[] = [];
  let mine: TypeOrmSyncRepository;
  let theirs: TypeOrmSyncRepository;
  let accounts: TypeOrmAccountsRepository;
  let resources: TypeOrmResourcesRepository;
  const ACCOUNT = '123456789012';

  const open = () =>
    openServiceDataSource({
      url: db.url,
      schema: 'fleet',
      entities: [AccountEntity, ResourceEntity, SyncRunEntity, SyncTaskEntity],
      migrations: [CreateFleet1764150000000, SyncLeases1764300000000, FleetOutbox1764400000000],
      migrationsRun: true,
      poolSize: 4,
      ssl: false,
      applicationName: 'sync-lease-spec',
    });

  const newRun = async (owner: string, leaseSeconds = 600) => {
    const run = Object.assign(new SyncRunEntity(), { id: randomUUID(), trigger: 'MANUAL', status: 'RUNNING', request: {}, started_at: new Date(), finished_at: null, status_reason: null, lease_owner: owner, lease_until: null });
    await mine.createRun(run, leaseSeconds);
    const task = (seq: number, status: string) =>
      Object.assign(new SyncTaskEntity(), {
        id: randomUUID(), sync_id: run.id, seq, account_id: ACCOUNT, region: `r-${seq}`, types: ['ec2:instance'], status,
        resources_seen: 0, discovered: 0, changed: 0, removed: 0, duration_ms: null, error: null, started_at: status === 'PENDING' ? null : new Date(), finished_at: null,
      });
    const tasks = [task(0, 'SUCCEEDED'), task(1, 'RUNNING'), task(2, 'PENDING')];
    await mine.addTasks(tasks);
    return { run, tasks };
  };
  const expire = (id: string) => sources[0].query(`UPDATE fleet.sync_runs SET lease_until = now() - interval '1 second' WHERE id = $1`, [id]);
  const resource = (name: string): CollectedResource => ({
    arn: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/${name}`, account_id: ACCOUNT, region: 'us-east-1', service: 'ec2', type: 'ec2:instance', name, state: 'running', tags: {}, created_at: null, properties: {},
  });
  const scope = { accountId: ACCOUNT, region: 'us-east-1', types: ['ec2:instance'] };
  const bus = new InProcessMessageBus();
  const published: string[] = [];
  bus.subscribe('fleet.>', (e) => published.push(e.subject ?? ''));
  const outboxOf = (ds: DataSource) => createOutbox(ds, 'fleet', bus, 'sync-lease-spec').outbox;
  /** Ends runs and gives their ids (writing no events). */
  const endRuns = async (repo: TypeOrmSyncRepository, ...args: [RunsToEnd, string]) => (await repo.endRuns(...args, () => [])).map((r) => r.run.id);

  beforeAll(async () => {
    await ensureInfrastructure();
    db = await createTestDatabase('mcp_sync_lease');
    sources.push(await open(), await open());
    mine = new TypeOrmSyncRepository(sources[0], outboxOf(sources[0]));
    theirs = new TypeOrmSyncRepository(sources[1], outboxOf(sources[1]));
    accounts = new TypeOrmAccountsRepository(sources[0], outboxOf(sources[0]));
    resources = new TypeOrmResourcesRepository(sources[0], outboxOf(sources[0]));
    await accounts.insert(newAccountRow({ account_id: ACCOUNT, name: 'a', regions: ['us-east-1'], sync_interval_minutes: 15 }, new Date(Date.now() - 60_000)), []);
  });

  afterAll(async () => {
    for (const s of sources) await s.destroy();
    await db?.drop();
  });

  it('a sweep ends only runs whose lease expired, once, with their unfinished tasks; renewals keep the others', async () => {
    const live = await newRun('fleet-a');
    const dead = await newRun('fleet-gone');
    await expire(dead.run.id);
    expect(await mine.renewRuns('fleet-a', [live.run.id], 600)).toEqual([live.run.id]);
    // Two replicas sweeping at once: one of them ends the orphan.
    // Each writes the event of what it ended, in the same transaction.
    const completed = (runs: Array<{ run: SyncRunEntity }>) => runs.map(({ run }) => ({ type: 'fleet.sync.completed', subject: run.id, data: { id: run.id } }));
    const swept = await Promise.all([mine.endRuns({ expiredOnly: true, exclude: [] }, 'interrupted: x', completed), theirs.endRuns({ expiredOnly: true, exclude: [] }, 'interrupted: x', completed)]);
    expect(swept.flat().map((r) => r.run.id)).toEqual([dead.run.id]);
    await waitFor(() => published.includes(dead.run.id), 5000, 20, 'the sweep\'s fleet.sync.completed');
    expect(published).toEqual([dead.run.id]);
    const ended = (await mine.findRun(dead.run.id))!;
    expect(ended.run).toMatchObject({ status: 'FAILED', status_reason: 'interrupted: x', lease_until: null });
    expect(ended.run.finished_at).toBeInstanceOf(Date);
    expect(ended.tasks.map((t) => [t.status, t.error])).toEqual([['SUCCEEDED', null], ['FAILED', 'interrupted: x'], ['FAILED', 'interrupted: x']]);
    expect(ended.tasks[1].duration_ms).toEqual(expect.any(Number));
    expect((await mine.findRun(live.run.id))!.run.status).toBe('RUNNING');

    // The ended run's owner learns it at its next heartbeat, and its late writes are refused.
    expect(await mine.renewRuns('fleet-gone', [dead.run.id], 600)).toEqual([]);
    expect(await mine.updateTask(dead.tasks[1].id, { status: 'SUCCEEDED' })).toBe(false);
    expect(await mine.finishRun(dead.run.id, 'SUCCEEDED', new Date(), null, [])).toBe(false);
    expect((await mine.findRun(dead.run.id))!.run.status).toBe('FAILED');
    expect(await mine.finishRun(live.run.id, 'SUCCEEDED', new Date(), null, [])).toBe(true);
  });

  it('another owner cannot renew a run, and a sweep without the lease condition (one instance only) spares the excluded', async () => {
    const a = await newRun('fleet-a');
    const b = await newRun('fleet-b');
    expect(await theirs.renewRuns('fleet-b', [a.run.id, b.run.id], 600)).toEqual([b.run.id]);
    const ended = await endRuns(mine, { expiredOnly: false, exclude: [a.run.id] }, 'interrupted: y');
    expect(ended).toContain(b.run.id);
    expect(ended).not.toContain(a.run.id);
    expect(await endRuns(mine, { ids: [a.run.id], expiredOnly: false, exclude: [] }, 'interrupted: z')).toEqual([a.run.id]);
  });

  it('removal is fenced: it needs the run RUNNING under its owner and, for a periodic sync, the account lease token', async () => {
    const { run } = await newRun('fleet-a');
    const before = new Date(Date.now() + 1000);
    await resources.upsertBatch([resource('old-1')], new Date(Date.now() - 60_000), run.id, () => []);
    const [claimed] = await accounts.claimDue('fleet-a', 1, 600);
    const token = claimed.lease_token!;
    const fence = { syncId: run.id, owner: 'fleet-a', leaseToken: token };

    expect(await resources.markRemoved(scope, before, new Date(), { ...fence, owner: 'fleet-b' }, () => [])).toBeNull();
    expect(await resources.markRemoved(scope, before, new Date(), { ...fence, leaseToken: randomUUID() }, () => [])).toBeNull();
    expect((await resources.findByArn(resource('old-1').arn))!.removed_at).toBeNull();

    const removed = await resources.markRemoved(scope, before, new Date(), fence, () => []);
    expect(removed!.map((r) => r.arn)).toEqual([resource('old-1').arn]);
    // Nothing (left) to remove is an empty list, not a lost fence.
    expect(await resources.markRemoved(scope, before, new Date(), fence, () => [])).toEqual([]);

    // Another instance takes the account over (the lease had expired): the old token fences the old run out.
    await resources.upsertBatch([resource('old-2')], new Date(Date.now() - 60_000), run.id, () => []);
    await sources[0].query(`UPDATE fleet.accounts SET lease_until = now() - interval '1 second' WHERE account_id = $1`, [ACCOUNT]);
    expect(await new TypeOrmAccountsRepository(sources[1], outboxOf(sources[1])).claimDue('fleet-b', 1, 600)).toHaveLength(1);
    expect(await resources.markRemoved(scope, before, new Date(), fence, () => [])).toBeNull();
    // An on-demand run (no account lease) is fenced by its own run only: once ended, it removes nothing.
    expect(await resources.markRemoved(scope, before, new Date(), { ...fence, leaseToken: null }, () => [])).toHaveLength(1);
    await resources.upsertBatch([resource('old-3')], new Date(Date.now() - 60_000), run.id, () => []);
    await endRuns(mine, { ids: [run.id], expiredOnly: false, exclude: [] }, 'interrupted');
    expect(await resources.markRemoved(scope, before, new Date(), { ...fence, leaseToken: null }, () => [])).toBeNull();
    expect((await resources.findByArn(resource('old-3').arn))!.removed_at).toBeNull();
  });

  it('a removal in progress holds the account row: a take-over skips the account (SKIP LOCKED) until it is done', async () => {
    const { run } = await newRun('fleet-a');
    await sources[0].query(`UPDATE fleet.accounts SET lease_until = now() - interval '1 second', lease_owner = 'fleet-a', lease_token = gen_random_uuid() WHERE account_id = $1`, [ACCOUNT]);
    const token = (await accounts.findById(ACCOUNT))!.lease_token!;
    // Hold the same FOR SHARE lock the removal statement takes, in an open transaction.
    const q = sources[0].createQueryRunner();
    await q.connect();
    await q.startTransaction();
    try {
      await q.query(`SELECT 1 FROM fleet.accounts WHERE account_id = $1 AND lease_token = $2 FOR SHARE`, [ACCOUNT, token]);
      expect(await new TypeOrmAccountsRepository(sources[1], outboxOf(sources[1])).claimDue('fleet-b', 1, 600)).toEqual([]);
    } finally {
      await q.commitTransaction();
      await q.release();
    }
    expect(await new TypeOrmAccountsRepository(sources[1], outboxOf(sources[1])).claimDue('fleet-b', 1, 600)).toHaveLength(1);
    expect(await resources.markRemoved(scope, new Date(), new Date(), { syncId: run.id, owner: 'fleet-a', leaseToken: token }, () => [])).toBeNull();
  });
});
