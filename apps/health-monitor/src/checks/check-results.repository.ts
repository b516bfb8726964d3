import { AnyDomainEvent, HealthCheckOutcome, HealthStatus } from '@app/contracts';
import { Outbox, rowsOf } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { iso } from '../sql';

/** A finished check, ready to be recorded together with the state it leads to. */
export interface Completion {
  integrationId: string;
  leaseToken: string;
  dueAt: Date;
  startedAt: Date;
  checkedAt: Date;
  outcome: HealthCheckOutcome;
  latencyMs: number | null;
  statusCode: number | null;
  error: string | null;
  method: 'endpoint' | 'connector' | null;
  /** The interval the next slot was computed with (a changed interval wins over it). */
  intervalSeconds: number;
  nextDueAt: Date;
  missed: number;
  state: { status: HealthStatus; consecutiveFailures: number; consecutiveSuccesses: number };
  transitioned: boolean;
  /** Events to publish at least once, written in the same transaction. */
  outbox: AnyDomainEvent[];
}

export interface CheckRecordRow {
  id: string;
  integration_id: string;
  due_at: Date;
  started_at: Date;
  checked_at: Date;
  outcome: HealthCheckOutcome;
  latency_ms: number | null;
  status_code: number | null;
  error: string | null;
  method: 'endpoint' | 'connector' | null;
  status_after: HealthStatus;
}

export interface StateRow {
  status: HealthStatus;
  consecutive_failures: number;
  consecutive_successes: number;
  status_changed_at: Date | null;
  last_check_at: Date | null;
  last_success_at: Date | null;
  last_error_at: Date | null;
  last_error: string | null;
  last_error_status_code: number | null;
}

/** The port for results, state (with the events of its changes) and retention. */
export interface CheckResultsRepository {
  /** Records finished checks whose lease is still ours; returns the ones recorded. */
  record(batch: Completion[], runner: string): Promise<Completion[]>;
  state(integrationId: string): Promise<StateRow | null>;
  latest(integrationId: string, limit: number, beforeId?: string, outcome?: HealthCheckOutcome): Promise<CheckRecordRow[]>;
  countsSince(integrationId: string, since: Date): Promise<{ successes: number; failures: number; unknown: number }>;
  /** Deletes up to `batch` results older than `before`; returns how many. */
  deleteResultsBefore(before: Date, batch: number): Promise<number>;
  deleteTombstonesBefore(before: Date): Promise<number>;
}

export const CHECK_RESULTS_REPOSITORY = Symbol('CHECK_RESULTS_REPOSITORY');

// The id travels as text (bigint), so every ORDER BY and comparison names the table's column `r."id"`: a bare
// "id" in ORDER BY is the output column, and text order puts 9 before 25.
const RECORD_COLUMNS = `r."id"::text AS "id", r."integration_id", r."due_at", r."started_at", r."checked_at", r."outcome", r."latency_ms", r."status_code", r."error", r."method", r."status_after"`;

@Injectable()
export class SqlCheckResultsRepository implements CheckResultsRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly outbox: Outbox,
  ) {}

  async record(batch: Completion[], runner: string): Promise<Completion[]> {
    if (!batch.length) return [];
    return this.outbox.transaction(async (m, emit) => {
      // Release the leases first, fenced by token: a check whose lease expired and was taken over by another
      // replica is not recorded twice.
      const released = rowsOf<{ integration_id: string }>(
        await m.query(
          `UPDATE "health"."schedule" s
              SET "next_due_at" = CASE WHEN s."interval_seconds" = v."interval_seconds" THEN v."next_due_at" ELSE s."next_due_at" END,
                  "lease_until" = NULL, "lease_token" = NULL, "lease_owner" = NULL, "missed_slots" = s."missed_slots" + v."missed"
             FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::int[], $5::int[]) AS v("integration_id", "lease_token", "next_due_at", "interval_seconds", "missed")
            WHERE s."integration_id" = v."integration_id" AND s."lease_token" = v."lease_token"
           RETURNING s."integration_id"`,
          [batch.map((c) => c.integrationId), batch.map((c) => c.leaseToken), batch.map((c) => iso(c.nextDueAt)), batch.map((c) => c.intervalSeconds), batch.map((c) => c.missed)],
        ),
      );
      const ours = new Set(released.map((r) => r.integration_id));
      const kept = batch.filter((c) => ours.has(c.integrationId));
      if (!kept.length) return kept;
      await m.query(
        `INSERT INTO "health"."check_results" ("integration_id", "due_at", "started_at", "checked_at", "outcome", "latency_ms", "status_code", "error", "method", "status_after", "runner")
         SELECT v.*, $11 FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::timestamptz[], $5::varchar[], $6::int[], $7::int[], $8::text[], $9::varchar[], $10::varchar[]) AS v`,
        [
          kept.map((c) => c.integrationId),
          kept.map((c) => iso(c.dueAt)),
          kept.map((c) => iso(c.startedAt)),
          kept.map((c) => iso(c.checkedAt)),
          kept.map((c) => c.outcome),
          kept.map((c) => (c.latencyMs === null ? null : Math.round(c.latencyMs))),
          kept.map((c) => c.statusCode),
          kept.map((c) => c.error),
          kept.map((c) => c.method),
          kept.map((c) => c.state.status),
          runner,
        ],
      );
      // UNKNOWN outcomes touch neither the streaks nor last success/error: only that a check was attempted.
      await m.query(
        `INSERT INTO "health"."state" AS st ("integration_id", "status", "consecutive_failures", "consecutive_successes", "status_changed_at", "last_check_at",
                "last_success_at", "last_error_at", "last_error", "last_error_status_code", "updated_at")
         SELECT v."id", v."status", v."failures", v."successes", CASE WHEN v."transitioned" THEN v."checked_at" END, v."checked_at",
                CASE WHEN v."outcome" = 'SUCCESS' THEN v."checked_at" END,
                CASE WHEN v."outcome" = 'FAILURE' THEN v."checked_at" END,
                CASE WHEN v."outcome" = 'FAILURE' THEN v."error" END,
                CASE WHEN v."outcome" = 'FAILURE' THEN v."status_code" END,
                now()
           FROM unnest($1::uuid[], $2::varchar[], $3::int[], $4::int[], $5::boolean[], $6::timestamptz[], $7::varchar[], $8::text[], $9::int[])
                AS v("id", "status", "failures", "successes", "transitioned", "checked_at", "outcome", "error", "status_code")
         ON CONFLICT ("integration_id") DO UPDATE SET
           "status" = EXCLUDED."status",
           "consecutive_failures" = EXCLUDED."consecutive_failures",
           "consecutive_successes" = EXCLUDED."consecutive_successes",
           "status_changed_at" = COALESCE(EXCLUDED."status_changed_at", st."status_changed_at"),
           "last_check_at" = EXCLUDED."last_check_at",
           "last_success_at" = COALESCE(EXCLUDED."last_success_at", st."last_success_at"),
           "last_error_at" = COALESCE(EXCLUDED."last_error_at", st."last_error_at"),
           "last_error" = CASE WHEN EXCLUDED."last_error_at" IS NOT NULL THEN EXCLUDED."last_error" ELSE st."last_error" END,
           "last_error_status_code" = CASE WHEN EXCLUDED."last_error_at" IS NOT NULL THEN EXCLUDED."last_error_status_code" ELSE st."last_error_status_code" END,
           "updated_at" = now()`,
        [
          kept.map((c) => c.integrationId),
          kept.map((c) => c.state.status),
          kept.map((c) => c.state.consecutiveFailures),
          kept.map((c) => c.state.consecutiveSuccesses),
          kept.map((c) => c.transitioned),
          kept.map((c) => iso(c.checkedAt)),
          kept.map((c) => c.outcome),
          kept.map((c) => (c.outcome === 'FAILURE' ? (c.error ?? `unexpected result${c.statusCode ? ` (HTTP ${c.statusCode})` : ''}`) : null)),
          kept.map((c) => c.statusCode),
        ],
      );
      emit(...kept.flatMap((c) => c.outbox));
      return kept;
    });
  }

  async state(integrationId: string): Promise<StateRow | null> {
    const [row] = rowsOf<StateRow>(await this.ds.query(`SELECT * FROM "health"."state" WHERE "integration_id" = $1`, [integrationId]));
    return row ?? null;
  }

  async latest(integrationId: string, limit: number, beforeId?: string, outcome?: HealthCheckOutcome): Promise<CheckRecordRow[]> {
    return rowsOf<CheckRecordRow>(
      await this.ds.query(
        `SELECT ${RECORD_COLUMNS} FROM "health"."check_results" r
          WHERE r."integration_id" = $1 AND ($2::bigint IS NULL OR r."id" < $2::bigint) AND ($3::varchar IS NULL OR r."outcome" = $3::varchar)
          ORDER BY r."id" DESC LIMIT $4`,
        [integrationId, beforeId ?? null, outcome ?? null, limit],
      ),
    );
  }

  async countsSince(integrationId: string, since: Date): Promise<{ successes: number; failures: number; unknown: number }> {
    const [row] = rowsOf<{ successes: string; failures: string; unknown: string }>(
      await this.ds.query(
        `SELECT count(*) FILTER (WHERE "outcome" = 'SUCCESS') AS "successes", count(*) FILTER (WHERE "outcome" = 'FAILURE') AS "failures",
                count(*) FILTER (WHERE "outcome" = 'UNKNOWN') AS "unknown"
           FROM "health"."check_results" WHERE "integration_id" = $1 AND "checked_at" >= $2`,
        [integrationId, iso(since)],
      ),
    );
    return { successes: Number(row?.successes ?? 0), failures: Number(row?.failures ?? 0), unknown: Number(row?.unknown ?? 0) };
  }

  async deleteResultsBefore(before: Date, batch: number): Promise<number> {
    const rows = rowsOf<{ id: string }>(
      await this.ds.query(
        `DELETE FROM "health"."check_results" WHERE "id" IN (SELECT "id" FROM "health"."check_results" WHERE "checked_at" < $1 LIMIT $2) RETURNING "id"`,
        [iso(before), batch],
      ),
    );
    return rows.length;
  }

  async deleteTombstonesBefore(before: Date): Promise<number> {
    return this.ds.transaction(async (m) => {
      const rows = rowsOf<{ integration_id: string }>(
        await m.query(`DELETE FROM "health"."schedule" WHERE "deleted" AND "updated_at" < $1 RETURNING "integration_id"`, [iso(before)]),
      );
      // state left behind by a check that finished after its integration was deleted
      await m.query(`DELETE FROM "health"."state" st WHERE NOT EXISTS (SELECT 1 FROM "health"."schedule" s WHERE s."integration_id" = st."integration_id" AND NOT s."deleted")`);
      return rows.length;
    });
  }
}
