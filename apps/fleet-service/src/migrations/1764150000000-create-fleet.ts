import { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts, the resource registry, sync runs and their tasks (schema `fleet`). */
export class CreateFleet1764150000000 implements MigrationInterface {
  name = 'CreateFleet1764150000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "fleet"."accounts" (
        "account_id" varchar(12) PRIMARY KEY,
        "name" varchar(128) NOT NULL,
        "role_arn" varchar(2048),
        "external_id" varchar(1224),
        "regions" jsonb NOT NULL,
        "tags" jsonb NOT NULL DEFAULT '{}',
        "sync_interval_minutes" integer NOT NULL,
        "enabled" boolean NOT NULL,
        "status" varchar(16) NOT NULL,
        "status_message" text,
        "status_checked_at" timestamptz,
        "last_sync_at" timestamptz,
        "next_sync_at" timestamptz,
        "lease_owner" varchar(64),
        "lease_until" timestamptz,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL
      )`);
    // The scheduler's scan: enabled accounts by due time.
    await q.query(`CREATE INDEX "accounts_due_idx" ON "fleet"."accounts" ("next_sync_at") WHERE "enabled"`);

    await q.query(`
      CREATE TABLE "fleet"."resources" (
        "arn" text PRIMARY KEY,
        "account_id" varchar(12) NOT NULL,
        "region" varchar(32) NOT NULL,
        "service" varchar(64) NOT NULL,
        "type" varchar(128) NOT NULL,
        "name" text NOT NULL,
        "state" varchar(64) NOT NULL,
        "tags" jsonb NOT NULL DEFAULT '{}',
        "created_at" timestamptz,
        "properties" jsonb NOT NULL DEFAULT '{}',
        "first_seen_at" timestamptz NOT NULL,
        "last_seen_at" timestamptz NOT NULL,
        "removed_at" timestamptz,
        "last_sync_id" uuid
      ) WITH (fillfactor = 80)`);
    // Every sync rewrites each row (last_seen_at); the free space lets those be HOT updates that leave the indexes alone.
    // Filters end in arn so that a filtered page in ARN order (the cursor) is an index range.
    await q.query(`CREATE INDEX "resources_account_region_type_idx" ON "fleet"."resources" ("account_id", "region", "type", "arn")`);
    await q.query(`CREATE INDEX "resources_type_region_idx" ON "fleet"."resources" ("type", "region", "arn")`);
    await q.query(`CREATE INDEX "resources_region_idx" ON "fleet"."resources" ("region", "arn")`);
    await q.query(`CREATE INDEX "resources_service_idx" ON "fleet"."resources" ("service", "arn")`);
    await q.query(`CREATE INDEX "resources_state_idx" ON "fleet"."resources" ("state", "arn")`);
    await q.query(`CREATE INDEX "resources_tags_idx" ON "fleet"."resources" USING gin ("tags" jsonb_path_ops)`);

    await q.query(`
      CREATE TABLE "fleet"."sync_runs" (
        "id" uuid PRIMARY KEY,
        "trigger" varchar(16) NOT NULL,
        "status" varchar(16) NOT NULL,
        "request" jsonb NOT NULL,
        "started_at" timestamptz NOT NULL,
        "finished_at" timestamptz
      )`);
    await q.query(`CREATE INDEX "sync_runs_started_idx" ON "fleet"."sync_runs" ("started_at" DESC)`);
    await q.query(`
      CREATE TABLE "fleet"."sync_tasks" (
        "id" uuid PRIMARY KEY,
        "sync_id" uuid NOT NULL REFERENCES "fleet"."sync_runs" ("id") ON DELETE CASCADE,
        "seq" integer NOT NULL,
        "account_id" varchar(12) NOT NULL,
        "region" varchar(32) NOT NULL,
        "types" jsonb NOT NULL,
        "status" varchar(16) NOT NULL,
        "resources_seen" integer NOT NULL DEFAULT 0,
        "discovered" integer NOT NULL DEFAULT 0,
        "changed" integer NOT NULL DEFAULT 0,
        "removed" integer NOT NULL DEFAULT 0,
        "duration_ms" integer,
        "error" text,
        "started_at" timestamptz,
        "finished_at" timestamptz
      )`);
    await q.query(`CREATE INDEX "sync_tasks_sync_idx" ON "fleet"."sync_tasks" ("sync_id", "seq")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "fleet"."sync_tasks"`);
    await q.query(`DROP TABLE "fleet"."sync_runs"`);
    await q.query(`DROP TABLE "fleet"."resources"`);
    await q.query(`DROP TABLE "fleet"."accounts"`);
  }
}
