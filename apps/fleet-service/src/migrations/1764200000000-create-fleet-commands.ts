import { MigrationInterface, QueryRunner } from 'typeorm';

/** Fleet commands: the job (who ran what, when, how) and one result per account × region target, plus its stored output. */
export class CreateFleetCommands1764200000000 implements MigrationInterface {
  name = 'CreateFleetCommands1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "fleet"."command_jobs" (
        "id" uuid PRIMARY KEY,
        "command" text NOT NULL,
        "service" varchar(64) NOT NULL,
        "operation" varchar(128) NOT NULL,
        "mutating" boolean NOT NULL,
        "targets" jsonb NOT NULL,
        "max_concurrency" integer NOT NULL,
        "max_errors" varchar(8) NOT NULL,
        "timeout_seconds" integer NOT NULL,
        "allow_mutations" boolean NOT NULL,
        "requested_by_name" varchar(256) NOT NULL,
        "requested_by_role" varchar(16) NOT NULL,
        "status" varchar(16) NOT NULL,
        "status_reason" text,
        "targets_total" integer NOT NULL,
        "created_at" timestamptz NOT NULL,
        "finished_at" timestamptz,
        "cancel_requested_at" timestamptz,
        "cancelled_by" varchar(256),
        "owner_instance" varchar(64) NOT NULL,
        "heartbeat_at" timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX "command_jobs_created_idx" ON "fleet"."command_jobs" ("created_at" DESC, "id" DESC)`);
    await q.query(`CREATE INDEX "command_jobs_running_idx" ON "fleet"."command_jobs" ("heartbeat_at") WHERE "status" = 'IN_PROGRESS'`);
    await q.query(`
      CREATE TABLE "fleet"."command_results" (
        "job_id" uuid NOT NULL REFERENCES "fleet"."command_jobs" ("id") ON DELETE CASCADE,
        "seq" integer NOT NULL,
        "account_id" varchar(12) NOT NULL,
        "region" varchar(32) NOT NULL,
        "status" varchar(16) NOT NULL,
        "exit_code" integer,
        "duration_ms" integer,
        "error" text,
        "stdout_preview" text NOT NULL DEFAULT '',
        "stderr_preview" text NOT NULL DEFAULT '',
        "preview_truncated" boolean NOT NULL DEFAULT false,
        "output_bytes" bigint NOT NULL DEFAULT 0,
        "started_at" timestamptz,
        "finished_at" timestamptz,
        PRIMARY KEY ("job_id", "seq"),
        UNIQUE ("job_id", "account_id", "region")
      )`);
    await q.query(`
      CREATE TABLE "fleet"."command_outputs" (
        "job_id" uuid NOT NULL,
        "seq" integer NOT NULL,
        "stdout" text NOT NULL,
        "stderr" text NOT NULL,
        "truncated" boolean NOT NULL,
        PRIMARY KEY ("job_id", "seq"),
        FOREIGN KEY ("job_id", "seq") REFERENCES "fleet"."command_results" ("job_id", "seq") ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "fleet"."command_outputs"`);
    await q.query(`DROP TABLE "fleet"."command_results"`);
    await q.query(`DROP TABLE "fleet"."command_jobs"`);
  }
}
