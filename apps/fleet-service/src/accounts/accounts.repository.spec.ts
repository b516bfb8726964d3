import { openServiceDataSource } from '@app/persistence';
import { createTestDatabase, ensureInfrastructure } from '@app/testing';
import { DataSource } from 'typeorm';
import { CreateFleet1764150000000 } from '../migrations/1764150000000-create-fleet';
import { AccountEntity } from './account.entity';
import { TypeOrmAccountsRepository } from './accounts.repository';
import { newAccountRow } from './commands/create-account/create-account.handler';

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
    openServiceDataSource({ url: db.url, schema: 'fleet', entities: [AccountEntity], migrations: [CreateFleet1764150000000], migrationsRun: true, poolSize: 4, ssl: false, applicationName: 'lease-spec' });

  beforeAll(async () => {
    await ensureInfrastructure();
    db = await createTestDatabase('mcp_lease');
    sources.push(await open());
    sources.push(await open());
    a = new TypeOrmAccountsRepository(sources[0]);
    b = new TypeOrmAccountsRepository(sources[1]);
    const due = new Date(Date.now() - 60_000);
    for (let i = 0; i < 40; i++) {
      await a.insert(newAccountRow({ account_id: String(100000000000 + i), name: `acct-${i}`, regions: ['us-east-1'], sync_interval_minutes: 15, enabled: i !== 39 }, due));
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

  it('releases on completion and schedules the next sync by the account interval; only the owner can release', async () => {
    const id = '100000000000';
    const owner = (await sources[0].query(`SELECT lease_owner FROM fleet.accounts WHERE account_id = $1`, [id]))[0].lease_owner as string;
    await b.completeScheduled(id, 'someone-else');
    expect((await a.findById(id))!.lease_owner).toBe(owner);
    await b.completeScheduled(id, owner);
    const row = (await a.findById(id))!;
    expect(row.lease_owner).toBeNull();
    const minutes = (row.next_sync_at!.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);
    expect(await a.claimDue('replica-0', 100, 600)).toEqual([]);
  });

  it('lets another replica take an account whose lease expired (its owner died)', async () => {
    await sources[0].query(`UPDATE fleet.accounts SET lease_until = now() - interval '1 second' WHERE account_id = '100000000001'`);
    expect((await b.claimDue('replica-1', 100, 600)).map((x) => x.account_id)).toEqual(['100000000001']);
  });
});
