import { rowsOf } from '../rows';

/** Anything that runs SQL: a DataSource, or the EntityManager of an open transaction. */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** An event to publish once the transaction that writes it commits. */
export interface OutboxEvent<T = unknown> {
  /** EventSubjects value, e.g. fleet.resource.discovered (also the NATS subject). */
  type: string;
  data: T;
  /** CloudEvents `subject`: the entity the event is about. */
  subject?: string;
  /** Stable id (Nats-Msg-Id); a new UUID when absent. */
  id?: string;
}

/** An event as stored: id, correlation id (the request's) and subject settled. */
export interface OutboxRecord {
  id: string;
  type: string;
  subject: string | null;
  data: unknown;
  correlationId: string | null;
}

export interface OutboxRow {
  id: string;
  event_id: string;
  type: string;
  subject: string | null;
  data: unknown;
  correlation_id: string | null;
  created_at: Date;
}

/**
 * The SQL of one schema's `outbox` (events in commit order) and `outbox_relay` (the one lease that lets a single
 * replica relay at a time). Every statement stands alone, so none holds PGlite's single session.
 */
export class OutboxStore {
  private readonly table: string;
  private readonly lease: string;

  constructor(schema: string) {
    const s = `"${schema.replace(/"/g, '')}"`;
    this.table = `${s}."outbox"`;
    this.lease = `${s}."outbox_relay"`;
  }

  /** One statement for any number of events, in the given order. */
  async insert(sql: SqlRunner, events: OutboxRecord[]): Promise<void> {
    if (!events.length) return;
    await sql.query(
      `INSERT INTO ${this.table} ("event_id", "type", "subject", "data", "correlation_id")
       SELECT x."event_id", x."type", x."subject", x."data", x."correlation_id"
         FROM jsonb_to_recordset($1::jsonb) AS x("event_id" varchar, "type" varchar, "subject" text, "data" jsonb, "correlation_id" varchar)`,
      [JSON.stringify(events.map((e) => ({ event_id: e.id, type: e.type, subject: e.subject, data: e.data, correlation_id: e.correlationId })))],
    );
  }

  /** Takes or renews the relay lease; false while another owner holds it. */
  async acquire(sql: SqlRunner, owner: string, seconds: number): Promise<boolean> {
    const rows = rowsOf(
      await sql.query(
        `INSERT INTO ${this.lease} AS l ("name", "owner", "lease_until") VALUES ('relay', $1, now() + make_interval(secs => $2))
         ON CONFLICT ("name") DO UPDATE SET "owner" = EXCLUDED."owner", "lease_until" = EXCLUDED."lease_until"
          WHERE l."lease_until" IS NULL OR l."lease_until" < now() OR l."owner" = EXCLUDED."owner"
         RETURNING 1`,
        [owner, seconds],
      ),
    );
    return rows.length > 0;
  }

  async release(sql: SqlRunner, owner: string): Promise<void> {
    await sql.query(`UPDATE ${this.lease} SET "lease_until" = NULL WHERE "name" = 'relay' AND "owner" = $1`, [owner]);
  }

  /** The oldest events (lowest id first). */
  async oldest(sql: SqlRunner, limit: number): Promise<OutboxRow[]> {
    return rowsOf<OutboxRow>(
      // Ordered by the bigint column, not by the text it is returned as.
      await sql.query(`SELECT o."id"::text AS "id", o."event_id", o."type", o."subject", o."data", o."correlation_id", o."created_at" FROM ${this.table} o ORDER BY o."id" LIMIT $1`, [limit]),
    );
  }

  /** By id, never by range: a lower id may belong to a transaction that commits later. */
  async delete(sql: SqlRunner, ids: string[]): Promise<void> {
    if (ids.length) await sql.query(`DELETE FROM ${this.table} WHERE "id" = ANY($1::bigint[])`, [ids]);
  }

  async any(sql: SqlRunner): Promise<boolean> {
    const [row] = rowsOf<{ any: boolean }>(await sql.query(`SELECT EXISTS (SELECT 1 FROM ${this.table}) AS "any"`));
    return row?.any === true;
  }
}
