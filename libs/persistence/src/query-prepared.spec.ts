import { createTestDatabase, ensureInfrastructure } from '@app/testing';
import { DataSource } from 'typeorm';
import { openServiceDataSource, queryPrepared } from './data-source.factory';

// The embedded database's unnamed path runs in every standalone e2e read (PGlite needs ESM loading jest lacks here).
const open = (url: string, sharedSession: boolean) =>
  openServiceDataSource({ url, schema: 'spec', entities: [], migrations: [], migrationsRun: false, poolSize: 2, ssl: false, applicationName: 'prepared-spec', sharedSession });

async function seed(ds: DataSource): Promise<void> {
  await ds.query('CREATE TABLE IF NOT EXISTS "spec"."items" (id int PRIMARY KEY, name text NOT NULL)');
  await ds.query(`INSERT INTO "spec"."items" SELECT g, 'item-' || g FROM generate_series(1, 50) g ON CONFLICT DO NOTHING`);
}

const SQL = 'SELECT "id", "name" FROM "spec"."items" WHERE "id" = $1';

describe('queryPrepared', () => {
  it('on PostgreSQL: a named statement, prepared once per connection and reused', async () => {
    await ensureInfrastructure();
    const db = await createTestDatabase('mcp_prepared');
    const ds = await open(db.url, false);
    try {
      await seed(ds);
      const rows = await Promise.all(Array.from({ length: 40 }, (_, i) => queryPrepared<{ id: number; name: string }>(ds, 'spec_item_by_id', SQL, [i + 1])));
      expect(rows.map((r) => r[0].name)).toEqual(Array.from({ length: 40 }, (_, i) => `item-${i + 1}`));
      expect(await queryPrepared(ds, 'spec_item_by_id', SQL, [999])).toEqual([]);
      // the statement lives in the server session of the connection that ran it
      const prepared = await queryPrepared<{ name: string }>(ds, 'spec_prepared_names', 'SELECT name FROM pg_prepared_statements ORDER BY name', []);
      expect(prepared.map((p) => p.name)).toContain('spec_item_by_id');
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });
});
