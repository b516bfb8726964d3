import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log records actions of every door (REST, MCP, GraphQL, console), not only HTTP requests: which door,
 * what action (a route, a tool), its arguments with secrets censored, and the outcome. Existing rows are REST's.
 */
export class DoorAudit1765200000000 implements MigrationInterface {
  name = 'DoorAudit1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "gateway"."audit_log"
        ADD COLUMN "door" varchar(16) NOT NULL DEFAULT 'rest',
        ADD COLUMN "action" varchar(256),
        ADD COLUMN "arguments" jsonb,
        ADD COLUMN "outcome" varchar(32)`);
    await q.query(`CREATE INDEX "audit_log_door_at" ON "gateway"."audit_log" ("door", "at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "gateway"."audit_log_door_at"`);
    await q.query(`ALTER TABLE "gateway"."audit_log" DROP COLUMN "door", DROP COLUMN "action", DROP COLUMN "arguments", DROP COLUMN "outcome"`);
  }
}
