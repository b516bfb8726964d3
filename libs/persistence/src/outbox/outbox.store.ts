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

/** An event as stored: its id settled. */
export type StoredEvent = OutboxEvent & { id: string };

/** One row: the events of one transaction, in order; the first `published` of them are out already. */
export interface OutboxRow {
  id: string;
  events: StoredEvent[];
  published: number;
  correlation_id: string | null;
  created_at: Date;
}

/**
 * The tables OutboxStore reads and writes, for each service's own migration (`outbox` named otherwise only to swap
 * it in). Frozen: a new shape is a new function and a new migration in every service, never an edit of this one.
 */
export async function createOutboxTables(sql: SqlRunner, schema: string, outbox = 'outbox'): Promise<void> {
  const s = `"${schema.replace(/"/g, '')}"`;
  // json, not jsonb: the events are only written and read back whole.
  await sql.query(`
    CREATE TABLE ${s}."${outbox}" (
      "id" bigserial PRIMARY KEY,
      "events" json NOT NULL,
      "n" integer NOT NULL,
      "published" integer NOT NULL DEFAULT 0,
      "correlation_id" varchar(128),
      "created_at" timestamptz NOT NULL DEFAULT now()
    )`);
  await sql.query(`CREATE TABLE ${s}."outbox_relay" ("name" varchar(32) PRIMARY KEY, "owner" varchar(64) NOT NULL, "lease_until" timestamptz)`);
}

/** The reverse of createOutboxTables, for the services' down migrations. */
export async function dropOutboxTables(sql: SqlRunner, schema: string): Promise<void> {
  const s = `"${schema.replace(/"/g, '')}"`;
  await sql.query(`DROP TABLE ${s}."outbox_relay"`);
  await sql.query(`DROP TABLE ${s}."outbox"`);
}

/**
 * The SQL of one schema's `outbox` (one row per writing transaction, its events in order: a sync batch of 1000
 * resources is one row, not 1000) and `outbox_relay` (the one lease that lets a single replica relay at a time).
 * Every statement stands alone, so none holds PGlite's single session.
 */
export class OutboxStore {
  private readonly table: string;
  private readonly lease: string;

  constructor(schema: string) {
    const s = `"${schema.replace(/"/g, '')}"`;
    this.table = `${s}."outbox"`;
    this.lease = `${s}."outbox_relay"`;
  }

  async insert(sql: SqlRunner, events: StoredEvent[], correlationId: string | null): Promise<void> {
    if (!events.length) return;
    await sql.query(`INSERT INTO ${this.table} ("events", "n", "correlation_id") VALUES ($1::json, $2, $3)`, [JSON.stringify(events), events.length, correlationId]);
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

  /** The oldest rows (lowest id first), as many as hold about `events` events (at least one row). */
  async oldest(sql: SqlRunner, events: number): Promise<OutboxRow[]> {
    // Counted over the first rows only (a long backlog is not summed each time), events read for the picked ones.
    return rowsOf<OutboxRow>(
      await sql.query(
        `WITH head AS (SELECT "id", "n" - "published" AS "left" FROM ${this.table} ORDER BY "id" LIMIT 1000),
              pick AS (SELECT "id" FROM (SELECT "id", "left", sum("left") OVER (ORDER BY "id") AS "upto" FROM head) h WHERE "upto" - "left" < $1)
         SELECT o."id"::text AS "id", o."events", o."published", o."correlation_id", o."created_at"
           FROM ${this.table} o JOIN pick ON pick."id" = o."id" ORDER BY o."id"`,
        [events],
      ),
    );
  }

  /** By id, never by range: a lower id may belong to a transaction that commits later. */
  async delete(sql: SqlRunner, ids: string[]): Promise<void> {
    if (ids.length) await sql.query(`DELETE FROM ${this.table} WHERE "id" = ANY($1::bigint[])`, [ids]);
  }

  /** A row whose first `published` events are out (a publish failed after them). */
  async markPublished(sql: SqlRunner, id: string, published: number): Promise<void> {
    await sql.query(`UPDATE ${this.table} SET "published" = $2 WHERE "id" = $1`, [id, published]);
  }

  async any(sql: SqlRunner): Promise<boolean> {
    const [row] = rowsOf<{ any: boolean }>(await sql.query(`SELECT EXISTS (SELECT 1 FROM ${this.table}) AS "any"`));
    return row?.any === true;
  }
}
