import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `health.outbox` moves to the shared outbox of @app/persistence: rows carry the request's correlation id, subjects
 * of any length, and are relayed by the holder of one lease (`outbox_relay`) instead of per-row leases.
 */
export class SharedOutbox1764400000000 implements MigrationInterface {
  name = 'SharedOutbox1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "health"."outbox" DROP COLUMN "lease_until", ADD COLUMN "correlation_id" varchar(128), ALTER COLUMN "subject" TYPE text`);
    await q.query(`CREATE TABLE "health"."outbox_relay" ("name" varchar(32) PRIMARY KEY, "owner" varchar(64) NOT NULL, "lease_until" timestamptz)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "health"."outbox_relay"`);
    await q.query(`ALTER TABLE "health"."outbox" DROP COLUMN "correlation_id", ADD COLUMN "lease_until" timestamptz, ALTER COLUMN "subject" TYPE varchar(128)`);
  }
}
