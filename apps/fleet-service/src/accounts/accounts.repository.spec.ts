import { InProcessMessageBus } from '@app/messaging';
import { createOutbox, openServiceDataSource } from '@app/persistence';
import { createTestDatabase, ensureInfrastructure } from '@app/testing';
import { DataSource } from 'typeorm';
import { CreateFleet1764150000000 } from '../migrations/1764150000000-create-fleet';
import { SyncLeases1764300000000 } from '../migrations/1764300000000-sync-leases';
import { FleetOutbox1764400000000 } from '../migrations/1764400000000-outbox';
import { AccountEntity } from './account.entity';
import { TypeOrmAccountsRepository } from './accounts.repository';
import { newAccountRow } from './account-rules';

/**
 * The periodic-sync lease against a real PostgreSQL: two "replicas" (two data sources, two pools) claiming due
 * accounts at the same time never get the same account, and a lease keeps an account away until released or expired.
 */
describe('accounts lease (periodic sync across replicas)', () => {
  let db: { url: string; drop(): Promise<void> };
  const sources: DataSource[] = [];
  let a: TypeOrmAccountsRepository;
  let b: TypeOrmAccountsRepository;

  const open = () =>
    openServiceDataSource({ url: db.url, schema: 'fleet', entities: [AccountEntity], migrations: [CreateFleet1764150000000, SyncLeases1764300000000, FleetOutbox1764400000000], migrationsRun: true, poolSize: 4, ssl: false, applicationName: 'lease-spec' });

  beforeAll(async () => {
    await ensureInfrastructure();
    db = await createTestDatabase('mcp_lease');
    sources.push(await open());
    sources.push(await open());
    const repo = (ds: DataSource) => new TypeOrmAccountsRepository(ds, createOutbox(ds, 'fleet', new InProcessMessageBus(), 'lease-spec').outbox);
    a = repo(sources[0]);
    b = repo(sources[1]);
    const due = new Date(Date.now() - 60_000);
    for (let i = 0; i < 40; i++) {
      await a.insert(newAccountRow({ account_id: String(100000000000 + i), name: `acct-${i}`, regions: ['us-east-1'], sync_interval_minutes: 15, enabled: i !== 39 }, due), []);
    }
  });

  afterAll(async () => {
    for (const s of sources) await s.destroy();
    await db?.drop();
  });

  it('hands each due account to exactly one replica, even when both claim at once', async () => {
    const claims = await Promise.all([...Array(6)].map((_, i) => (i % 2 ? a : b).claimDue(`replica-${i % 2}`, 8, 600)));
    const ids = claims.flat().map((x) => x.account_id);
    expect(new Set(ids).size).toBe(ids.length);
    const more = [...(await a.claimDue('replica-1', 100, 600)), ...(await b.claimDue('replica-0', 100, 600))].map((x) => x.account_id);
    const all = [...ids, ...more].sort();
    expect(new Set(all).size).toBe(all.length);
    // 39 enabled accounts, the disabled one is never claimed.
    expect(all).toEqual([...Array(39)].map((_, i) => String(100000000000 + i)));
    expect(await a.claimDue('replica-0', 100, 600)).toEqual([]);
  });

  it('releases on completion and schedules the next sync by the account interval; only the current lease token releases', async () => {
    const id = '100000000000';
    const token = (await a.findById(id))!.lease_token!;
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    await b.completeScheduled(id, '00000000-0000-4000-8000-000000000000');
    expect((await a.findById(id))!.lease_token).toBe(token);
    await b.completeScheduled(id, token);
    const row = (await a.findById(id))!;
    expect(row).toMatchObject({ lease_owner: null, lease_token: null, lease_until: null });
    const minutes = (row.next_sync_at!.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);
    expect(await a.claimDue('replica-0', 100, 600)).toEqual([]);
  });

  it('renews a lease only under its current token; an interrupted sync releases without rescheduling', async () => {
    const id = '100000000002';
    const before = (await a.findById(id))!;
    await sources[0].query(`UPDATE fleet.accounts SET lease_until = now() + interval '5 seconds' WHERE account_id = $1`, [id]);
    expect(await b.renewLeases([before.lease_token!, '00000000-0000-4000-8000-000000000000'], 600)).toEqual([before.lease_token]);
    expect((await a.findById(id))!.lease_until!.getTime()).toBeGreaterThan(Date.now() + 590_000);
    await a.completeScheduled(id, before.lease_token!, false);
    const after = (await a.findById(id))!;
    expect(after).toMatchObject({ lease_token: null, lease_until: null });
    expect(after.next_sync_at!.getTime()).toBe(before.next_sync_at!.getTime());
    expect((await b.claimDue('replica-1', 100, 600)).map((x) => x.account_id)).toEqual([id]);
  });

  it('lets another replica take an account whose lease expired (its owner died), with a new token the old one cannot renew', async () => {
    const old = (await a.findById('100000000001'))!.lease_token!;
    await sources[0].query(`UPDATE fleet.accounts SET lease_until = now() - interval '1 second' WHERE account_id = '100000000001'`);
    const taken = await b.claimDue('replica-1', 100, 600);
    expect(taken.map((x) => x.account_id)).toEqual(['100000000001']);
    expect(taken[0].lease_token).not.toBe(old);
    expect(await a.renewLeases([old], 600)).toEqual([]);
  });
});
