import { openServiceDataSource } from '@app/persistence';
import { createTestDatabase, ensureInfrastructure } from '@app/testing';
import { DataSource } from 'typeorm';
import { CreateIdentity1764100000000 } from '../migrations/1764100000000-create-identity';
import { LoginAttempts1764600000000 } from '../migrations/1764600000000-login-attempts';
import { LoginAttemptsRepository } from './login-attempts.repository';

/** The lockout's SQL against a real PostgreSQL, from two "replicas" (data sources) at once. */
describe('gateway.login_attempts on PostgreSQL', () => {
  let db: { url: string; drop(): Promise<void> };
  let a: DataSource;
  let b: DataSource;
  const open = (url: string) =>
    openServiceDataSource({ url, schema: 'gateway', entities: [], migrations: [CreateIdentity1764100000000, LoginAttempts1764600000000], migrationsRun: true, poolSize: 8, ssl: false, applicationName: 'login-attempts-spec' });
  const rules = { windowMs: 60_000 };

  beforeAll(async () => {
    await ensureInfrastructure();
    db = await createTestDatabase('mcp_login_spec');
    a = await open(db.url);
    b = await open(db.url);
  }, 60000);

  afterAll(async () => {
    await a?.destroy();
    await b?.destroy();
    await db?.drop();
  });

  it('grants exactly max slots to 60 parallel attempts spread over two replicas', async () => {
    const repos = [new LoginAttemptsRepository(a), new LoginAttemptsRepository(b)];
    const keys = (i: number) => [
      { key: 'u:burst', max: 5 },
      { key: `a:10.0.${i}.1`, max: 20 },
    ];
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => repos[i % 2].reserve(keys(i), rules)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    // Failing the five locks the username; a success in their place would have given its slot back.
    for (let i = 0; i < 5; i++) await repos[i % 2].failed(keys(i), 900);
    const after = await repos[0].reserve(keys(99), rules);
    expect(after.allowed).toBe(false);
    expect(!after.allowed && after.retryAfterSeconds).toBeGreaterThan(890);
  });

  it('gives a slot back on success, keeps the failures, and locks when every slot is a failure', async () => {
    const repo = new LoginAttemptsRepository(a);
    const keys = [
      { key: 'u:carol', max: 2 },
      { key: 'a:10.9.0.1', max: 8 },
    ];
    expect(await repo.reserve(keys, rules)).toEqual({ allowed: true, attempts: 1 });
    expect(await repo.failed(keys, 900)).toEqual({ attempts: 1, lockedForSeconds: 0 });
    expect(await repo.reserve(keys, rules)).toEqual({ allowed: true, attempts: 2 });
    await repo.succeeded(keys);
    expect(await repo.reserve(keys, rules)).toEqual({ allowed: true, attempts: 2 });
    const failed = await repo.failed(keys, 900);
    expect(failed.lockedForSeconds).toBeGreaterThan(890);
    expect((await repo.reserve(keys, rules)).allowed).toBe(false);
  });

  it('prunes rows whose window and lock are over', async () => {
    const repo = new LoginAttemptsRepository(a);
    await a.query(`INSERT INTO "gateway"."login_attempts" ("key", "attempts", "window_start") VALUES ('u:old', 3, now() - interval '2 hours')`);
    expect(await repo.prune(3600)).toBeGreaterThanOrEqual(1);
    expect(await a.query(`SELECT 1 FROM "gateway"."login_attempts" WHERE "key" = 'u:old'`)).toEqual([]);
  });
});
