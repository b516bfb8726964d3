import { createOutboxTables, dropOutboxTables } from '@app/persistence';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox (@app/persistence, docs/decisions.md D10): resource, account, sync and command events are written to `outbox` in the
 * transaction of the change they report, one row per transaction, and published by the relay; `outbox_relay` is the
 * lease that lets one replica relay at a time.
 */
export class FleetOutbox1764400000000 implements MigrationInterface {
  name = 'FleetOutbox1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await createOutboxTables(q, 'fleet');
  }

  async down(q: QueryRunner): Promise<void> {
    await dropOutboxTables(q, 'fleet');
  }
}
