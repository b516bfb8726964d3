import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ordered delivery per key (`delivery.order_by` SUBJECT or EVENT_TYPE): each delivery keeps the key it was recorded
 * with ('' = the whole integration, which is what rows recorded before had). The partial index serves the claim's
 * "oldest open of its key" probe and holds only unfinished deliveries.
 */
export class DeliveryOrderKey1764000500000 implements MigrationInterface {
  name = 'DeliveryOrderKey1764000500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "integration"."deliveries" ADD COLUMN "order_key" varchar(512) NOT NULL DEFAULT ''`);
    await q.query(`CREATE INDEX "deliveries_open_key_idx" ON "integration"."deliveries" ("integration_id", "order_key", "seq") WHERE "status" IN ('PENDING', 'IN_FLIGHT')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "integration"."deliveries_open_key_idx"`);
    await q.query(`ALTER TABLE "integration"."deliveries" DROP COLUMN "order_key"`);
  }
}
