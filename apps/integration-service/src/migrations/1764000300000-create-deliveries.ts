import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound delivery: each integration's subscriptions and delivery settings, one delivery per (integration, event)
 * (the unique key makes recording idempotent when JetStream redelivers), each attempt, and one row per integration
 * for its token bucket and circuit breaker (shared by every replica, updated atomically).
 */
export class CreateDeliveries1764000300000 implements MigrationInterface {
  name = 'CreateDeliveries1764000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "integration"."integrations" ADD COLUMN "subscriptions" jsonb NOT NULL DEFAULT '[]', ADD COLUMN "delivery" jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`
      CREATE TABLE "integration"."deliveries" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "seq" bigserial NOT NULL,
        "integration_id" uuid NOT NULL REFERENCES "integration"."integrations" ("id") ON DELETE CASCADE,
        "event_id" varchar(256) NOT NULL,
        "event_type" varchar(256) NOT NULL,
        "event" jsonb NOT NULL,
        "status" varchar(16) NOT NULL DEFAULT 'PENDING',
        "attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" timestamptz NOT NULL DEFAULT now(),
        "lease_until" timestamptz,
        "leased_by" varchar(64),
        "last_error" text,
        "last_status_code" integer,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "delivered_at" timestamptz,
        CONSTRAINT "deliveries_event_key" UNIQUE ("integration_id", "event_id")
      )`);
    await q.query(`CREATE INDEX "deliveries_open_idx" ON "integration"."deliveries" ("integration_id", "seq") WHERE "status" IN ('PENDING', 'IN_FLIGHT')`);
    await q.query(`CREATE INDEX "deliveries_page_idx" ON "integration"."deliveries" ("integration_id", "created_at" DESC, "id" DESC)`);
    await q.query(`
      CREATE TABLE "integration"."delivery_attempts" (
        "id" bigserial PRIMARY KEY,
        "delivery_id" uuid NOT NULL REFERENCES "integration"."deliveries" ("id") ON DELETE CASCADE,
        "attempt" integer NOT NULL,
        "started_at" timestamptz NOT NULL,
        "ok" boolean NOT NULL,
        "status_code" integer,
        "duration_ms" integer NOT NULL,
        "error" text
      )`);
    await q.query(`CREATE INDEX "delivery_attempts_delivery_idx" ON "integration"."delivery_attempts" ("delivery_id", "id")`);
    await q.query(`
      CREATE TABLE "integration"."delivery_states" (
        "integration_id" uuid PRIMARY KEY REFERENCES "integration"."integrations" ("id") ON DELETE CASCADE,
        "tokens" double precision NOT NULL,
        "refilled_at" timestamptz NOT NULL DEFAULT now(),
        "circuit_state" varchar(16) NOT NULL DEFAULT 'CLOSED',
        "consecutive_failures" integer NOT NULL DEFAULT 0,
        "opened_at" timestamptz,
        "half_open_at" timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "integration"."delivery_states"`);
    await q.query(`DROP TABLE "integration"."delivery_attempts"`);
    await q.query(`DROP TABLE "integration"."deliveries"`);
    await q.query(`ALTER TABLE "integration"."integrations" DROP COLUMN "subscriptions", DROP COLUMN "delivery"`);
  }
}
