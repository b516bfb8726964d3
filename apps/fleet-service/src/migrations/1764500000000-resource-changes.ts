import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The change history of resources: one row per `fleet.resource.changed`, `.removed` and re-`discovered` event, written
 * in the transaction of the change with its outbox row (a first discovery is the resource's `first_seen_at`, so the
 * initial sync of a large registry writes no history). Newest first by `id`, per resource or per account.
 */
export class ResourceChanges1764500000000 implements MigrationInterface {
  name = 'ResourceChanges1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "fleet"."resource_changes" (
      id bigserial PRIMARY KEY,
      arn text NOT NULL,
      account_id text NOT NULL,
      type text NOT NULL,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('discovered', 'changed', 'removed')),
      changes jsonb,
      sync_id uuid,
      at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX "resource_changes_arn" ON "fleet"."resource_changes" (arn, id DESC)`);
    await q.query(`CREATE INDEX "resource_changes_account" ON "fleet"."resource_changes" (account_id, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS "fleet"."resource_changes"`);
  }
}
