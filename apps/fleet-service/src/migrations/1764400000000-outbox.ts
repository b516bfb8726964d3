import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox (@app/persistence): resource, account, sync and command events are written here in the
 * transaction of the change they report and published by the relay; `outbox_relay` is the lease that lets one
 * replica relay at a time.
 */
export class FleetOutbox1764400000000 implements MigrationInterface {
  name = 'FleetOutbox1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "fleet"."outbox" (
        "id" bigserial PRIMARY KEY,
        "event_id" varchar(128) NOT NULL,
        "type" varchar(128) NOT NULL,
        "subject" text,
        "data" jsonb NOT NULL,
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
