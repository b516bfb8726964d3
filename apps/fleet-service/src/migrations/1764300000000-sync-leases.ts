import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sync runs carry a lease renewed by the instance running them (so a run whose instance died can be found and
 * ended), and an account's periodic-sync lease a token (so a run that lost it can be fenced out).
 */
export class SyncLeases1764300000000 implements MigrationInterface {
  name = 'SyncLeases1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "fleet"."accounts" ADD COLUMN "lease_token" uuid`);
    // Runs left RUNNING before this migration have no lease: the first sweep ends them (nothing renews them).
    await q.query(`ALTER TABLE "fleet"."sync_runs" ADD COLUMN "lease_owner" varchar(64), ADD COLUMN "lease_until" timestamptz, ADD COLUMN "status_reason" text`);
    await q.query(`CREATE INDEX "sync_runs_running_idx" ON "fleet"."sync_runs" ("lease_until") WHERE "status" = 'RUNNING'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "fleet"."sync_runs_running_idx"`);
    await q.query(`ALTER TABLE "fleet"."sync_runs" DROP COLUMN "status_reason", DROP COLUMN "lease_until", DROP COLUMN "lease_owner"`);
    await q.query(`ALTER TABLE "fleet"."accounts" DROP COLUMN "lease_token"`);
  }
}
