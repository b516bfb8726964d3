import { MigrationInterface, QueryRunner } from 'typeorm';

/** Why an integration is in its status (the last test or health failure), and since when. */
export class IntegrationStatusReason1764000100000 implements MigrationInterface {
  name = 'IntegrationStatusReason1764000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "integration"."integrations" ADD COLUMN "status_reason" text, ADD COLUMN "status_changed_at" timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "integration"."integrations" DROP COLUMN "status_reason", DROP COLUMN "status_changed_at"`);
  }
}
