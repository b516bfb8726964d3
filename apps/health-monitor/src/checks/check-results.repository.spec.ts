import { InProcessMessageBus } from '@app/messaging';
import { createOutbox, openServiceDataSource } from '@app/persistence';
import { createTestDatabase, ensureInfrastructure } from '@app/testing';
import { DataSource } from 'typeorm';
import { CreateHealth1764200000000 } from '../migrations/1764200000000-create-health';
import { SharedOutbox1764400000000 } from '../migrations/1764400000000-shared-outbox';
import { InstanceLiveness1764500000000 } from '../migrations/1764500000000-instance-liveness';
import { SqlCheckResultsRepository } from './check-results.repository';

/** Health history against a real PostgreSQL: newest first by the numeric id, past 9 and 10 and across pages. */
describe('health.check_results on PostgreSQL', () => {
  let db: { url: string; drop(): Promise<void> };
  let ds: DataSource;
  let repo: SqlCheckResultsRepository;
  const integration = '00000000-0000-4000-8000-000000000017';

  beforeAll(async () => {
    await ensureInfrastructure();
    db = await createTestDatabase('mcp_results_spec');
    ds = await openServiceDataSource({
      url: db.url,
      schema: 'health',
      entities: [],
      migrations: [CreateHealth1764200000000, SharedOutbox1764400000000, InstanceLiveness1764500000000],
      migrationsRun: true,
      poolSize: 2,
      ssl: false,
      applicationName: 'results-spec',
    });
    repo = new SqlCheckResultsRepository(ds, createOutbox(ds, 'health', new InProcessMessageBus(), 'results-spec').outbox);
    // 25 checks a second apart, the newest last: ids 1..25, so text order (9, 25, 24, … 10, 1) differs from numeric order
    await ds.query(
      `INSERT INTO "health"."check_results" ("integration_id", "due_at", "started_at", "checked_at", "outcome", "latency_ms", "status_code", "error", "method", "status_after", "runner")
       SELECT $1, t, t, t, CASE WHEN i % 3 = 0 THEN 'FAILURE' ELSE 'SUCCESS' END, 5, 200, NULL, 'endpoint', 'ACTIVE', 'spec'
         FROM generate_series(1, 25) AS i, LATERAL (SELECT timestamptz '2026-01-01T00:00:00Z' + make_interval(secs => i) AS t) x`,
      [integration],
    );
  }, 60000);

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('returns the newest check first, ordered by the numeric id', async () => {
    const rows = await repo.latest(integration, 12);
    expect(rows.map((r) => Number(r.id))).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14]);
    expect(rows[0].checked_at).toEqual(new Date('2026-01-01T00:00:25Z'));
  });

  it('pages with a cursor through every check once, in order, also filtered by outcome', async () => {
    const seen: number[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await repo.latest(integration, 4, before);
      seen.push(...page.map((r) => Number(r.id)));
      if (page.length < 4) break;
      before = page[page.length - 1].id;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
    const failures = await repo.latest(integration, 5, '13', 'FAILURE');
    expect(failures.map((r) => Number(r.id))).toEqual([12, 9, 6, 3]);
  });
});
