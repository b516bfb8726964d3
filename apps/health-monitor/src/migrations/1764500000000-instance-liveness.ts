import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `health.instances`: each health-monitor process's heartbeat. A lease whose owner's heartbeat has stopped is
 * taken over at once, not when the lease (probe timeout + margins) runs out.
 */
export class InstanceLiveness1764500000000 implements MigrationInterface {
  name = 'InstanceLiveness1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "health"."instances" ("owner" varchar(64) PRIMARY KEY, "alive_until" timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "health"."instances"`);
  }
}
