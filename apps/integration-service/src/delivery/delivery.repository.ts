import { DeliveryOrderBy, DeliveryStatus } from '@app/contracts';
import { Outbox, OutboxEvent, rowsOf, SqlRunner } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

const T = '"integration"."deliveries"';
const A = '"integration"."delivery_attempts"';

export interface NewDelivery {
  integrationId: string;
  eventId: string;
  eventType: string;
  event: unknown;
  /** What ordered delivery keeps in order (orderKeyOf): '' for the whole integration. */
  orderKey: string;
}

export interface ClaimedDelivery {
  id: string;
  integration_id: string;
  attempts: number;
  event: Record<string, unknown>;
}

export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  startedAt: Date;
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface DeliveryUpdate {
  id: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  error: string | null;
  statusCode: number | null;
}

export interface BacklogRow {
  integration_id: string;
  size: number;
  retrying: number;
  oldest_created_at: Date | null;
  oldest_age_seconds: number;
}

/** How a claim picks: the oldest due (parallel), the integration's head, or the head of each key. */
export type ClaimMode = 'parallel' | DeliveryOrderBy;

export interface DeliveryRow {
  id: string;
  integration_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  last_status_code: number | null;
  created_at: Date;
  delivered_at: Date | null;
}

export interface AttemptRow {
  delivery_id: string;
  attempt: number;
  started_at: Date;
  ok: boolean;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

/**
 * The deliveries and their attempts (the port the pipeline and the handlers depend on). Every statement is
 * batched: one multi-row insert per intake batch, one claim per integration per round, one multi-row update per
 * result flush. Single statements only (no interactive transactions), which also suits PGlite's one session in
 * standalone mode. The rate limit and breaker state is DeliveryGateRepository's.
 */
export interface DeliveryRepository {
  /** Idempotent: a redelivered event finds its (integration, event) row and adds nothing. Returns the integrations that got new rows. */
  insertMany(rows: NewDelivery[]): Promise<string[]>;
  /** Leases up to `limit` due deliveries of one integration, picked as `mode` says, in stream order. */
  claim(integrationId: string, limit: number, mode: ClaimMode, leaseMs: number, owner: string): Promise<ClaimedDelivery[]>;
  /** Records attempts and outcomes; `deadLetters` (delivery id → its event) go to the outbox with the outcomes recorded. */
  record(attempts: AttemptRecord[], updates: DeliveryUpdate[], deadLetters?: Map<string, OutboxEvent>): Promise<void>;
  /** Per integration, when its earliest open delivery is due. */
  dueByIntegration(): Promise<Array<{ integration_id: string; due: Date }>>;
  /** Newest first, keyset-paged by (created_at, id); one row more than `limit` when there are more. */
  page(integrationId: string, status: DeliveryStatus | undefined, limit: number, cursor: { c: string; i: string } | null): Promise<DeliveryRow[]>;
  attemptsOf(ids: string[]): Promise<AttemptRow[]>;
  findOne(integrationId: string, id: string): Promise<DeliveryRow | null>;
  /** Back to PENDING, due now, with a fresh attempt budget; false while it is being sent. */
  requeue(integrationId: string, id: string): Promise<boolean>;
  /** Every finished delivery recorded since `since` goes out again, same ids; returns how many. */
  replaySince(integrationId: string, since: string): Promise<number>;
  integrationExists(id: string): Promise<boolean>;
  /** Unfinished deliveries and the age of the oldest, per integration (one of them, or every one with a backlog). */
  backlog(integrationId?: string): Promise<BacklogRow[]>;
  /** The integration's deliveries per status (every status present, 0 when none). */
  counts(integrationId: string): Promise<Record<string, number>>;
}

export const DELIVERY_REPOSITORY = Symbol('DELIVERY_REPOSITORY');

@Injectable()
export class TypeOrmDeliveryRepository implements DeliveryRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly outbox: Outbox,
  ) {}

  async insertMany(rows: NewDelivery[]): Promise<string[]> {
    if (!rows.length) return [];
    const res = await this.ds.query(
      `INSERT INTO ${T} (integration_id, event_id, event_type, event, order_key)
       SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::jsonb[], $5::varchar[])
       ON CONFLICT (integration_id, event_id) DO NOTHING RETURNING integration_id`,
      [rows.map((r) => r.integrationId), rows.map((r) => r.eventId), rows.map((r) => r.eventType), rows.map((r) => JSON.stringify(r.event)), rows.map((r) => r.orderKey)],
    );
    return [...new Set(rowsOf<{ integration_id: string }>(res).map((r) => r.integration_id))];
  }



  /**
   * Leases due deliveries of one integration. Parallel: the oldest `limit` due ones, skipping rows another
   * replica is claiming. Ordered by INTEGRATION: only the integration's oldest open delivery, and only when it is
   * due (a delivery waiting for its retry holds back the ones after it); no SKIP LOCKED, so the head is never
   * skipped. Ordered by a key (SUBJECT, EVENT_TYPE): the oldest `limit` due deliveries that are the oldest open one
   * of their key with nothing of that key in flight, so a retry holds back only its own key. Expired leases (a
   * replica died mid-send) are due again.
   */
  async claim(integrationId: string, limit: number, mode: ClaimMode, leaseMs: number, owner: string): Promise<ClaimedDelivery[]> {
    const due = `((status = 'PENDING' AND next_attempt_at <= clock_timestamp()) OR (status = 'IN_FLIGHT' AND lease_until < clock_timestamp()))`;
    const open = `status IN ('PENDING', 'IN_FLIGHT')`;
    const pick =
      mode === 'parallel'
        ? `SELECT id FROM ${T} WHERE integration_id = $1 AND ${open} AND ${due} ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED`
        : mode === DeliveryOrderBy.INTEGRATION
          ? `SELECT id FROM ${T} WHERE integration_id = $1 AND ${open} ORDER BY seq LIMIT LEAST($2, 1) FOR UPDATE`
          : // Scanned in stream order and stopped at $2 heads; each row's key is probed once (deliveries_open_key_idx).
            // Another replica's concurrent claim of the same head waits on its row lock and then fails the re-check below.
            `SELECT id FROM ${T} d WHERE integration_id = $1 AND ${open} AND ${due}
               AND NOT EXISTS (SELECT 1 FROM ${T} o WHERE o.integration_id = d.integration_id AND o.order_key = d.order_key
                                 AND o.status IN ('PENDING', 'IN_FLIGHT') AND o.id <> d.id AND (o.seq < d.seq OR o.status = 'IN_FLIGHT'))
             ORDER BY seq LIMIT $2`;
    // The pick is a CTE (evaluated once): `id IN (SELECT ... LIMIT n)` may be re-run by the planner and lease more than n.
    const res = await this.ds.query(
      `WITH picked AS (${pick})
       UPDATE ${T} d SET status = 'IN_FLIGHT', lease_until = clock_timestamp() + make_interval(secs => $3::float8 / 1000.0), leased_by = $4
       FROM picked WHERE d.id = picked.id AND ${due.replace(/status|next_attempt_at|lease_until/g, (c) => `d.${c}`)}
       RETURNING d.id, d.integration_id, d.attempts, d.event, d.seq`,
      [integrationId, limit, leaseMs, owner],
    );
    return rowsOf<ClaimedDelivery & { seq: string }>(res)
      .sort((a, b) => Number(a.seq) - Number(b.seq))
      .map(({ id, integration_id, attempts, event }) => ({ id, integration_id, attempts, event }));
  }

  /**
   * Records a flush of results: every attempt, then every delivery's new status (two statements). `deadLetters` (delivery id → its integration.delivery.failed event) go to the
   * outbox in the same transaction, for the deliveries whose outcome was recorded; without any, no transaction.
   */
  async record(attempts: AttemptRecord[], updates: DeliveryUpdate[], deadLetters: Map<string, OutboxEvent> = new Map()): Promise<void> {
    if (!deadLetters.size) {
      await this.write(this.ds, attempts, updates, false);
      return;
    }
    await this.outbox.transaction(async (m, emit) => {
      const recorded = await this.write(m, attempts, updates, true);
      emit(...recorded.flatMap((id) => deadLetters.get(id) ?? []));
    });
  }

  /** With `recorded`, returns the ids whose outcome was recorded (still IN_FLIGHT, not taken over by another replica). */
  private async write(sql: SqlRunner, attempts: AttemptRecord[], updates: DeliveryUpdate[], recorded: boolean): Promise<string[]> {
    if (attempts.length) {
      await sql.query(
        `INSERT INTO ${A} (delivery_id, attempt, started_at, ok, status_code, duration_ms, error)
         SELECT v.* FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::boolean[], $5::int[], $6::int[], $7::text[])
           AS v(delivery_id, attempt, started_at, ok, status_code, duration_ms, error)
         WHERE EXISTS (SELECT 1 FROM ${T} d WHERE d.id = v.delivery_id)`,
        [
          attempts.map((a) => a.deliveryId),
          attempts.map((a) => a.attempt),
          attempts.map((a) => a.startedAt.toISOString()),
          attempts.map((a) => a.ok),
          attempts.map((a) => a.statusCode),
          attempts.map((a) => Math.round(a.durationMs)),
          attempts.map((a) => a.error),
        ],
      );
    }
    if (updates.length) {
      const res = await sql.query(
        `UPDATE ${T} d SET status = v.status, attempts = v.attempts, next_attempt_at = v.next_at, last_error = v.err, last_status_code = v.code,
           delivered_at = CASE WHEN v.status = 'DELIVERED' THEN clock_timestamp() ELSE d.delivered_at END, lease_until = NULL, leased_by = NULL
         FROM unnest($1::uuid[], $2::varchar[], $3::int[], $4::timestamptz[], $5::text[], $6::int[]) AS v(id, status, attempts, next_at, err, code)
         WHERE d.id = v.id AND d.status = 'IN_FLIGHT' ${recorded ? 'RETURNING d.id' : ''}`,
        [
          updates.map((u) => u.id),
          updates.map((u) => u.status),
          updates.map((u) => u.attempts),
          updates.map((u) => u.nextAttemptAt.toISOString()),
          updates.map((u) => u.error),
          updates.map((u) => u.statusCode),
        ],
      );
      return rowsOf<{ id: string }>(res).map((r) => r.id);
    }
    return [];
  }

  /** Per integration, when its earliest open delivery is due (a pending retry, or a lease that runs out). */
  async dueByIntegration(): Promise<Array<{ integration_id: string; due: Date }>> {
    return rowsOf(
      await this.ds.query(
        `SELECT integration_id, min(CASE WHEN status = 'PENDING' THEN next_attempt_at ELSE lease_until END) AS due
         FROM ${T} WHERE status IN ('PENDING', 'IN_FLIGHT') GROUP BY integration_id`,
      ),
    );
  }

  async page(integrationId: string, status: DeliveryStatus | undefined, limit: number, cursor: { c: string; i: string } | null): Promise<DeliveryRow[]> {
    const params: unknown[] = [integrationId, limit + 1];
    let where = `integration_id = $1`;
    if (status) where += ` AND status = $${params.push(status)}`;
    if (cursor) {
      const c = params.push(cursor.c);
      const i = params.push(cursor.i);
      where += ` AND (created_at, id) < ($${c}::timestamptz, $${i}::uuid)`;
    }
    return rowsOf(
      await this.ds.query(
        `SELECT id, integration_id, event_id, event_type, status, attempts, next_attempt_at, last_error, last_status_code, created_at, delivered_at
         FROM ${T} WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $2`,
        params,
      ),
    );
  }

  async attemptsOf(ids: string[]): Promise<AttemptRow[]> {
    if (!ids.length) return [];
    return rowsOf(await this.ds.query(`SELECT delivery_id, attempt, started_at, ok, status_code, duration_ms, error FROM ${A} WHERE delivery_id = ANY($1::uuid[]) ORDER BY id`, [ids]));
  }

  async findOne(integrationId: string, id: string): Promise<DeliveryRow | null> {
    const rows = rowsOf<DeliveryRow>(
      await this.ds.query(
        `SELECT id, integration_id, event_id, event_type, status, attempts, next_attempt_at, last_error, last_status_code, created_at, delivered_at FROM ${T} WHERE integration_id = $1 AND id = $2`,
        [integrationId, id],
      ),
    );
    return rows[0] ?? null;
  }

  /** Back to PENDING, due now, with a fresh attempt budget; never while it is being sent. */
  async requeue(integrationId: string, id: string): Promise<boolean> {
    const res = await this.ds.query(
      `UPDATE ${T} SET status = 'PENDING', attempts = 0, next_attempt_at = clock_timestamp(), lease_until = NULL, leased_by = NULL
       WHERE integration_id = $1 AND id = $2 AND status <> 'IN_FLIGHT' RETURNING id`,
      [integrationId, id],
    );
    return rowsOf(res).length > 0;
  }

  /** Replay: every finished delivery recorded since `since` goes out again, same ids. */
  async replaySince(integrationId: string, since: string): Promise<number> {
    const res = await this.ds.query(
      `UPDATE ${T} SET status = 'PENDING', attempts = 0, next_attempt_at = clock_timestamp()
       WHERE integration_id = $1 AND created_at >= $2::timestamptz AND status IN ('DELIVERED', 'DEAD') RETURNING id`,
      [integrationId, since],
    );
    return rowsOf(res).length;
  }

  async integrationExists(id: string): Promise<boolean> {
    return rowsOf(await this.ds.query(`SELECT 1 FROM "integration"."integrations" WHERE id = $1`, [id])).length > 0;
  }

  async backlog(integrationId?: string): Promise<BacklogRow[]> {
    const rows = rowsOf<{ integration_id: string; size: string; retrying: string; oldest: Date | null; age: string | null }>(
      await this.ds.query(
        `SELECT integration_id, count(*) AS size, count(*) FILTER (WHERE status = 'PENDING' AND attempts > 0) AS retrying,
                min(created_at) AS oldest, EXTRACT(EPOCH FROM (clock_timestamp() - min(created_at))) AS age
         FROM ${T} WHERE status IN ('PENDING', 'IN_FLIGHT') ${integrationId ? 'AND integration_id = $1' : ''} GROUP BY integration_id`,
        integrationId ? [integrationId] : [],
      ),
    );
    return rows.map((r) => ({
      integration_id: r.integration_id,
      size: Number(r.size),
      retrying: Number(r.retrying),
      oldest_created_at: r.oldest,
      oldest_age_seconds: Math.max(0, Math.round(Number(r.age ?? 0) * 1000) / 1000),
    }));
  }

  async counts(integrationId: string): Promise<Record<string, number>> {
    const rows = rowsOf<{ status: string; n: string }>(await this.ds.query(`SELECT status, count(*) AS n FROM ${T} WHERE integration_id = $1 GROUP BY status`, [integrationId]));
    const out: Record<string, number> = { PENDING: 0, IN_FLIGHT: 0, DELIVERED: 0, DEAD: 0 };
    for (const r of rows) out[r.status] = Number(r.n);
    return out;
  }
}
