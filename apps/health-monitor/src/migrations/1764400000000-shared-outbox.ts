import { createOutboxTables } from '@app/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `health.outbox` moves to the shared outbox of @app/persistence: one row per transaction with its events in order,
 * the request's correlation id, relayed by the holder of one lease (`outbox_relay`) instead of per-row leases.
 * Events still waiting are carried over.
 */
export class SharedOutbox1764400000000 implements MigrationInterface {
  name = 'SharedOutbox1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await createOutboxTables(q, 'health', 'outbox_next');
    await q.query(`
      INSERT INTO "health"."outbox_next" ("events", "n", "created_at")
      SELECT json_build_array(json_build_object('id', "event_id", 'type', "type", 'subject', "subject", 'data', "data")), 1, "created_at"
        FROM "health"."outbox" ORDER BY "id"`);
    await q.query(`DROP TABLE "health"."outbox"`);
    await q.query(`ALTER TABLE "health"."outbox_next" RENAME TO "outbox"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "health"."outbox_relay"`);
    await q.query(`
      CREATE TABLE "health"."outbox_v1" (
        "id" bigserial PRIMARY KEY,
        "event_id" varchar(128) NOT NULL,
        "type" varchar(128) NOT NULL,
        "subject" varchar(128),
        "data" jsonb NOT NULL,
        "lease_until" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      INSERT INTO "health"."outbox_v1" ("event_id", "type", "subject", "data", "created_at")
      SELECT e ->> 'id', e ->> 'type', e ->> 'subject', (e -> 'data')::jsonb, o."created_at"
        FROM "health"."outbox" o, json_array_elements(o."events") WITH ORDINALITY AS x(e, k)
       WHERE x.k > o."published" ORDER BY o."id", x.k`);
    await q.query(`DROP TABLE "health"."outbox"`);
    await q.query(`ALTER TABLE "health"."outbox_v1" RENAME TO "outbox"`);
  }
}
