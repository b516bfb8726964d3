import { rowsOf } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { iso } from '../sql';

/** The check settings of one integration, as the projection keeps them. */
export interface ScheduleSnapshot {
  integrationId: string;
  checkEnabled: boolean;
  integrationStatus: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
  successThreshold: number;
  /** Monitored: check enabled and the integration not INACTIVE/DEPRECATED. */
  active: boolean;
  /** The first due slot if (re)scheduled now. */
  nextDueAt: Date;
  /** Ordering of updates: the integration's updated_at, or the event time. Older versions are ignored. */
  version: Date;
}

/** A check claimed by this process: the lease is ours until `lease_until` or until we record the result. */
export interface ClaimedCheck {
  integration_id: string;
  due_at: Date;
  lease_token: string;
  interval_seconds: number;
  timeout_seconds: number;
  failure_threshold: number;
  success_threshold: number;
  status: string | null;
  consecutive_failures: number | null;
  consecutive_successes: number | null;
}

export interface ScheduleRow {
  integration_id: string;
  active: boolean;
  deleted: boolean;
  check_enabled: boolean;
  integration_status: string;
  interval_seconds: number;
  failure_threshold: number;
  success_threshold: number;
  next_due_at: Date;
}

/** The port the projection, the scheduler and the queries use for `health.schedule`. */
export interface ScheduleRepository {
  upsert(s: ScheduleSnapshot): Promise<void>;
  markDeleted(integrationId: string, version: Date): Promise<void>;
  applyStatus(integrationId: string, status: string, active: (checkEnabled: boolean) => boolean, nextDueAt: (intervalSeconds: number) => Date, version: Date): Promise<void>;
  /** Tombstones every live row not in `seen` whose version is older than `before` (reconcile after a full listing). */
  markMissingDeleted(seen: string[], before: Date): Promise<number>;
  /** Claims checks due up to `lookAheadMs` from now; each lease runs from its due time (or now) plus timeout and margin. */
  claimDue(limit: number, owner: string, leaseMarginSeconds: number, lookAheadMs?: number): Promise<ClaimedCheck[]>;
  /** Gives back leases of claimed checks that were not started (graceful stop). */
  releaseLeases(tokens: string[]): Promise<void>;
  /** This process is alive for `ttlMs` more (by the database clock); forgets heartbeats stopped for over an hour. */
  heartbeat(owner: string, ttlMs: number): Promise<void>;
  /** This process stops: its heartbeat ends now, so what it still holds is taken over at once. */
  retire(owner: string): Promise<void>;
  find(integrationId: string): Promise<ScheduleRow | null>;
}

export const SCHEDULE_REPOSITORY = Symbol('SCHEDULE_REPOSITORY');

@Injectable()
export class SqlScheduleRepository implements ScheduleRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async upsert(s: ScheduleSnapshot): Promise<void> {
    // Idempotent and order-tolerant: an older version never overwrites a newer one (nor revives a tombstone).
    // The due slot is kept while the row stays active with the same interval, so replays do not move checks.
    await this.ds.query(
      `INSERT INTO "health"."schedule" AS s ("integration_id", "active", "deleted", "check_enabled", "integration_status", "interval_seconds", "timeout_seconds",
              "failure_threshold", "success_threshold", "next_due_at", "source_version", "updated_at")
       VALUES ($1, $2, false, $3, $4, $5, $6, $7, $8, $9, $10, now())
       ON CONFLICT ("integration_id") DO UPDATE SET
         "active" = EXCLUDED."active",
         "check_enabled" = EXCLUDED."check_enabled",
         "integration_status" = EXCLUDED."integration_status",
         "interval_seconds" = EXCLUDED."interval_seconds",
         "timeout_seconds" = EXCLUDED."timeout_seconds",
         "failure_threshold" = EXCLUDED."failure_threshold",
         "success_threshold" = EXCLUDED."success_threshold",
         "next_due_at" = CASE WHEN s."active" AND s."interval_seconds" = EXCLUDED."interval_seconds" THEN s."next_due_at" ELSE EXCLUDED."next_due_at" END,
         "source_version" = EXCLUDED."source_version",
         "updated_at" = now()
       WHERE NOT s."deleted" AND s."source_version" <= EXCLUDED."source_version"`,
      [s.integrationId, s.active, s.checkEnabled, s.integrationStatus, s.intervalSeconds, s.timeoutSeconds, s.failureThreshold, s.successThreshold, iso(s.nextDueAt), iso(s.version)],
    );
  }

  async markDeleted(integrationId: string, version: Date): Promise<void> {
    await this.ds.transaction(async (m) => {
      await m.query(
        `INSERT INTO "health"."schedule" AS s ("integration_id", "active", "deleted", "check_enabled", "integration_status", "interval_seconds", "timeout_seconds",
                "failure_threshold", "success_threshold", "next_due_at", "source_version", "updated_at")
         VALUES ($1, false, true, false, 'DELETED', 300, 30, 3, 1, now(), $2, now())
         ON CONFLICT ("integration_id") DO UPDATE SET "active" = false, "deleted" = true, "source_version" = GREATEST(s."source_version", EXCLUDED."source_version"), "updated_at" = now()`,
        [integrationId, iso(version)],
      );
      await m.query(`DELETE FROM "health"."state" WHERE "integration_id" = $1`, [integrationId]);
    });
  }

  async applyStatus(integrationId: string, status: string, active: (checkEnabled: boolean) => boolean, nextDueAt: (intervalSeconds: number) => Date, version: Date): Promise<void> {
    // Read then write under a row lock: whether the row becomes active depends on its stored check settings.
    await this.ds.transaction(async (m) => {
      const [row] = rowsOf<{ check_enabled: boolean; active: boolean; interval_seconds: number; source_version: Date; deleted: boolean }>(
        await m.query(`SELECT "check_enabled", "active", "interval_seconds", "source_version", "deleted" FROM "health"."schedule" WHERE "integration_id" = $1 FOR UPDATE`, [integrationId]),
      );
      if (!row || row.deleted || new Date(row.source_version).getTime() > version.getTime()) return;
      const nowActive = active(row.check_enabled);
      const due = !row.active && nowActive ? iso(nextDueAt(row.interval_seconds)) : null;
      await m.query(
        `UPDATE "health"."schedule" SET "integration_status" = $2, "active" = $3, "next_due_at" = COALESCE($4::timestamptz, "next_due_at"), "source_version" = $5, "updated_at" = now()
         WHERE "integration_id" = $1`,
        [integrationId, status, nowActive, due, iso(version)],
      );
    });
  }

  async markMissingDeleted(seen: string[], before: Date): Promise<number> {
    const rows = rowsOf<{ integration_id: string }>(
      await this.ds.query(
        `UPDATE "health"."schedule" SET "active" = false, "deleted" = true, "updated_at" = now()
         WHERE NOT "deleted" AND "source_version" < $2 AND NOT ("integration_id" = ANY($1::uuid[]))
         RETURNING "integration_id"`,
        [seen, iso(before)],
      ),
    );
    return rows.length;
  }

  async claimDue(limit: number, owner: string, leaseMarginSeconds: number, lookAheadMs = 0): Promise<ClaimedCheck[]> {
    // SKIP LOCKED: concurrent claimers (other replicas) never wait on, nor take, the rows this one is taking.
    // Checks due a little ahead are claimed too, so that they start on time rather than at the next poll.
    // The lease covers the wait, the probe's timeout and margins; a replica that dies loses its leases then.
    const rows = rowsOf<ClaimedCheck>(
      await this.ds.query(
        `WITH claimed AS (
           UPDATE "health"."schedule" s
              SET "lease_until" = GREATEST(now(), s."next_due_at") + make_interval(secs => s."timeout_seconds" + $3), "lease_token" = gen_random_uuid(), "lease_owner" = $2
            WHERE s."integration_id" IN (
                  SELECT "integration_id" FROM "health"."schedule"
                   WHERE "active" AND "next_due_at" <= now() + make_interval(secs => $4::double precision / 1000)
                     AND ("lease_until" IS NULL OR "lease_until" < now()
                          -- the owner's heartbeat stopped (it died): taken over now, not when the probe's timeout runs out
                          OR EXISTS (SELECT 1 FROM "health"."instances" i WHERE i."owner" = "schedule"."lease_owner" AND i."alive_until" < now()))
                   ORDER BY "next_due_at" LIMIT $1
                   FOR UPDATE SKIP LOCKED)
           RETURNING s."integration_id", s."next_due_at" AS "due_at", s."lease_token", s."interval_seconds", s."timeout_seconds", s."failure_threshold", s."success_threshold")
         SELECT c.*, st."status", st."consecutive_failures", st."consecutive_successes"
           FROM claimed c LEFT JOIN "health"."state" st ON st."integration_id" = c."integration_id"
          ORDER BY c."due_at"`,
        [limit, owner, leaseMarginSeconds, lookAheadMs],
      ),
    );
    return rows.map((r) => ({ ...r, due_at: new Date(r.due_at) }));
  }

  async releaseLeases(tokens: string[]): Promise<void> {
    if (tokens.length) await this.ds.query(`UPDATE "health"."schedule" SET "lease_until" = NULL, "lease_token" = NULL, "lease_owner" = NULL WHERE "lease_token" = ANY($1::uuid[])`, [tokens]);
  }

  async heartbeat(owner: string, ttlMs: number): Promise<void> {
    await this.ds.query(
      `WITH gone AS (DELETE FROM "health"."instances" WHERE "alive_until" < now() - interval '1 hour')
       INSERT INTO "health"."instances" ("owner", "alive_until") VALUES ($1, now() + make_interval(secs => $2::double precision / 1000))
       ON CONFLICT ("owner") DO UPDATE SET "alive_until" = EXCLUDED."alive_until"`,
      [owner, ttlMs],
    );
  }

  async retire(owner: string): Promise<void> {
    await this.ds.query(`UPDATE "health"."instances" SET "alive_until" = now() - interval '1 millisecond' WHERE "owner" = $1`, [owner]);
  }

  async find(integrationId: string): Promise<ScheduleRow | null> {
    const [row] = rowsOf<ScheduleRow>(
      await this.ds.query(
        `SELECT "integration_id", "active", "deleted", "check_enabled", "integration_status", "interval_seconds", "failure_threshold", "success_threshold", "next_due_at"
           FROM "health"."schedule" WHERE "integration_id" = $1`,
        [integrationId],
      ),
    );
    return row ?? null;
  }
}
