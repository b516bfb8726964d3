import { MigrationInterface, QueryRunner } from 'typeorm';

/** The health schema: the schedule (a projection of the integration events, with leases), state, history, outbox. */
export class CreateHealth1764200000000 implements MigrationInterface {
  name = 'CreateHealth1764200000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per integration health-monitor has heard of. `active` rows are checked; deleted ones stay as
    // tombstones (so a replayed create cannot bring them back) until the retention sweep removes them.
    await q.query(`
      CREATE TABLE "health"."schedule" (
        "integration_id" uuid PRIMARY KEY,
        "active" boolean NOT NULL,
        "deleted" boolean NOT NULL DEFAULT false,
        "check_enabled" boolean NOT NULL,
        "integration_status" varchar(16) NOT NULL,
        "interval_seconds" integer NOT NULL,
        "timeout_seconds" integer NOT NULL,
        "failure_threshold" integer NOT NULL,
        "success_threshold" integer NOT NULL,
        "next_due_at" timestamptz NOT NULL,
        "lease_until" timestamptz,
        "lease_token" uuid,
        "lease_owner" varchar(64),
        "missed_slots" bigint NOT NULL DEFAULT 0,
        "source_version" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "schedule_due_idx" ON "health"."schedule" ("next_due_at") WHERE "active"`);

    await q.query(`
      CREATE TABLE "health"."state" (
        "integration_id" uuid PRIMARY KEY,
        "status" varchar(16) NOT NULL,
        "consecutive_failures" integer NOT NULL,
        "consecutive_successes" integer NOT NULL,
        "status_changed_at" timestamptz,
        "last_check_at" timestamptz,
        "last_success_at" timestamptz,
        "last_error_at" timestamptz,
        "last_error" text,
        "last_error_status_code" integer,
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE "health"."check_results" (
        "id" bigserial PRIMARY KEY,
        "integration_id" uuid NOT NULL,
        "due_at" timestamptz NOT NULL,
        "started_at" timestamptz NOT NULL,
        "checked_at" timestamptz NOT NULL,
        "outcome" varchar(8) NOT NULL,
        "latency_ms" integer,
        "status_code" integer,
        "error" text,
        "method" varchar(16),
        "status_after" varchar(16) NOT NULL,
        "runner" varchar(64) NOT NULL
      )`);
    await q.query(`CREATE INDEX "check_results_integration_idx" ON "health"."check_results" ("integration_id", "id" DESC)`);
    await q.query(`CREATE INDEX "check_results_checked_at_idx" ON "health"."check_results" ("checked_at")`);

    // Status changes are written here in the same transaction as the state, then published (at least once).
    await q.query(`
      CREATE TABLE "health"."outbox" (
        "id" bigserial PRIMARY KEY,
        "event_id" varchar(128) NOT NULL,
        "type" varchar(128) NOT NULL,
        "subject" varchar(128),
        "data" jsonb NOT NULL,
        "lease_until" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "health"."outbox"`);
    await q.query(`DROP TABLE "health"."check_results"`);
    await q.query(`DROP TABLE "health"."state"`);
    await q.query(`DROP TABLE "health"."schedule"`);
  }
}
