import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox (@app/persistence): resource, account, sync and command events are written here in the
 * transaction of the change they report and published by the relay; `outbox_relay` is the lease that lets one
 * replica relay at a time. One row per transaction holds its events in order (`[{ id, type, subject, data }]`):
 * a sync batch of 1000 new resources is one row, not 1000. json, not jsonb: it is only written and read back whole.
 */
export class FleetOutbox1764400000000 implements MigrationInterface {
  name = 'FleetOutbox1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "fleet"."outbox" (
        "id" bigserial PRIMARY KEY,
        "events" json NOT NULL,
        "n" integer NOT NULL,
        "published" integer NOT NULL DEFAULT 0,
        "correlation_id" varchar(128),
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE TABLE "fleet"."outbox_relay" ("name" varchar(32) PRIMARY KEY, "owner" varchar(64) NOT NULL, "lease_until" timestamptz)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "fleet"."outbox_relay"`);
    await q.query(`DROP TABLE "fleet"."outbox"`);
  }
}
