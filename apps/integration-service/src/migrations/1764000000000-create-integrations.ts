import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIntegrations1764000000000 implements MigrationInterface {
  name = 'CreateIntegrations1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "integration"."integrations" (
        "id" uuid PRIMARY KEY,
        "name" varchar(128) NOT NULL,
        "description" text NOT NULL,
        "type" varchar(64) NOT NULL,
        "direction" varchar(16) NOT NULL,
        "version" varchar(64) NOT NULL,
        "status" varchar(16) NOT NULL,
        "enabled" boolean NOT NULL,
        "timeout_seconds" integer NOT NULL,
        "rate_limit_per_minute" integer NOT NULL,
        "tags" jsonb NOT NULL DEFAULT '{}',
        "metadata" jsonb NOT NULL DEFAULT '{}',
        "auth" jsonb NOT NULL,
        "health_check" jsonb NOT NULL,
        "retry" jsonb NOT NULL,
        "connection" jsonb NOT NULL DEFAULT '{}',
        "secrets" text,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL
      )`);
    // Names are unique regardless of case: "Ops" and "ops" would be the same thing to a person.
    await q.query(`CREATE UNIQUE INDEX "integrations_name_key" ON "integration"."integrations" (lower("name"))`);
    await q.query(`CREATE INDEX "integrations_page_idx" ON "integration"."integrations" ("created_at" DESC, "id" DESC)`);
    await q.query(`CREATE INDEX "integrations_tags_idx" ON "integration"."integrations" USING gin ("tags" jsonb_path_ops)`);
    await q.query(`CREATE INDEX "integrations_type_status_idx" ON "integration"."integrations" ("type", "status")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "integration"."integrations"`);
  }
}
