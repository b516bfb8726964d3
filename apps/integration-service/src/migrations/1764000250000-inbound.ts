import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inbound intake: what each inbound integration received and published (the last messages per integration: the
 * recent list of the API and a dedup record that outlives JetStream's 2-minute Nats-Msg-Id window), and the
 * leases that keep a poller (REST poll, DATABASE cursor, FILE inbox) on one replica.
 */
export class Inbound1764000250000 implements MigrationInterface {
  name = 'Inbound1764000250000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "integration"."inbound_messages" (
        "event_id" uuid PRIMARY KEY,
        "integration_id" uuid NOT NULL,
        "message_id" text NOT NULL,
        "subject" text NOT NULL,
        "event" jsonb NOT NULL,
        "received_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "inbound_messages_recent_idx" ON "integration"."inbound_messages" ("integration_id", "received_at" DESC)`);
    await q.query(`
      CREATE TABLE "integration"."inbound_leases" (
        "integration_id" uuid PRIMARY KEY,
        "holder" text NOT NULL,
        "expires_at" timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "integration"."inbound_leases"`);
    await q.query(`DROP TABLE "integration"."inbound_messages"`);
  }
}
