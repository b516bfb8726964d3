import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface InboundRecord {
  eventId: string;
  integrationId: string;
  messageId: string;
  subject: string;
  event: Record<string, unknown>;
}

export interface StoredInbound extends InboundRecord {
  receivedAt: Date;
}

/** The port the inbound runtime depends on: received messages, leases of pollers, the integrations to listen for. */
export interface InboundRepository {
  /** Whether this event was already published (and recorded). */
  seen(eventId: string): Promise<boolean>;
  record(r: InboundRecord): Promise<void>;
  /** Keeps the newest `keep` messages of an integration. */
  prune(integrationId: string, keep: number): Promise<void>;
  forget(integrationId: string): Promise<void>;
  recent(integrationId: string, limit: number): Promise<StoredInbound[]>;
  /** Takes or renews the lease: true when `holder` has it until now + ttl. */
  tryLease(integrationId: string, holder: string, ttlSeconds: number): Promise<boolean>;
  releaseLease(integrationId: string, holder: string): Promise<void>;
  /** Ids of the integrations that should be receiving: ACTIVE, enabled, INBOUND or BIDIRECTIONAL. */
  listeningIds(): Promise<string[]>;
}

export const INBOUND_REPOSITORY = Symbol('INBOUND_REPOSITORY');

/** TypeORM's query() gives rows for SELECT/INSERT and [rows, count] for UPDATE/DELETE. */
function rowsOf<T>(r: unknown): T[] {
  if (Array.isArray(r) && r.length === 2 && Array.isArray(r[0]) && typeof r[1] === 'number') return r[0] as T[];
  return (Array.isArray(r) ? r : []) as T[];
}

@Injectable()
export class TypeOrmInboundRepository implements InboundRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async seen(eventId: string): Promise<boolean> {
    return rowsOf(await this.db.query(`SELECT 1 FROM "integration"."inbound_messages" WHERE event_id = $1`, [eventId])).length > 0;
  }

  async record(r: InboundRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO "integration"."inbound_messages" (event_id, integration_id, message_id, subject, event) VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (event_id) DO NOTHING`,
      [r.eventId, r.integrationId, r.messageId, r.subject, JSON.stringify(r.event)],
    );
  }

  async prune(integrationId: string, keep: number): Promise<void> {
    await this.db.query(
      `DELETE FROM "integration"."inbound_messages" WHERE integration_id = $1 AND event_id NOT IN (
         SELECT event_id FROM "integration"."inbound_messages" WHERE integration_id = $1 ORDER BY received_at DESC LIMIT $2)`,
      [integrationId, keep],
    );
  }

  async forget(integrationId: string): Promise<void> {
    await this.db.query(`DELETE FROM "integration"."inbound_messages" WHERE integration_id = $1`, [integrationId]);
    await this.db.query(`DELETE FROM "integration"."inbound_leases" WHERE integration_id = $1`, [integrationId]);
  }

  async recent(integrationId: string, limit: number): Promise<StoredInbound[]> {
    const rows = rowsOf<{ event_id: string; integration_id: string; message_id: string; subject: string; event: Record<string, unknown>; received_at: Date }>(
      await this.db.query(
        `SELECT event_id, integration_id, message_id, subject, event, received_at FROM "integration"."inbound_messages"
          WHERE integration_id = $1 ORDER BY received_at DESC, event_id LIMIT $2`,
        [integrationId, limit],
      ),
    );
    return rows.map((r) => ({ eventId: r.event_id, integrationId: r.integration_id, messageId: r.message_id, subject: r.subject, event: r.event, receivedAt: new Date(r.received_at) }));
  }

  async tryLease(integrationId: string, holder: string, ttlSeconds: number): Promise<boolean> {
    const rows = rowsOf(
      await this.db.query(
        `INSERT INTO "integration"."inbound_leases" AS l (integration_id, holder, expires_at)
         VALUES ($1, $2, now() + make_interval(secs => $3::double precision))
         ON CONFLICT (integration_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
           WHERE l.expires_at < now() OR l.holder = EXCLUDED.holder
         RETURNING l.holder`,
        [integrationId, holder, ttlSeconds],
      ),
    );
    return rows.length > 0;
  }

  async releaseLease(integrationId: string, holder: string): Promise<void> {
    await this.db.query(`DELETE FROM "integration"."inbound_leases" WHERE integration_id = $1 AND holder = $2`, [integrationId, holder]);
  }

  async listeningIds(): Promise<string[]> {
    const rows = rowsOf<{ id: string }>(
      await this.db.query(
        `SELECT id FROM "integration"."integrations" WHERE status = 'ACTIVE' AND enabled AND direction IN ('INBOUND', 'BIDIRECTIONAL')`,
      ),
    );
    return rows.map((r) => r.id);
  }
}
