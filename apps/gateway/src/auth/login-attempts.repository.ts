import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { rowsOf } from '@app/persistence';
import { AttemptKey, AttemptRow, AttemptRules, reserveAttempt } from './login-attempts';

export type Reservation = { allowed: true; attempts: number } | { allowed: false; retryAfterSeconds: number };

const T = `"gateway"."login_attempts"`;

/**
 * `gateway.login_attempts`: the lockout's counts, shared by every gateway replica. A login takes a slot before its
 * password is checked, in one transaction holding the rows of its keys (`FOR UPDATE`, keys in one order, so two
 * logins never wait for each other in a cycle); the check and the count are one step, on every replica.
 */
@Injectable()
export class LoginAttemptsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async reserve(keys: AttemptKey[], rules: AttemptRules): Promise<Reservation> {
    const sorted = [...keys].sort((a, b) => (a.key < b.key ? -1 : 1));
    const names = sorted.map((k) => k.key);
    return this.ds.transaction(async (m) => {
      await m.query(`INSERT INTO ${T} ("key") SELECT k FROM unnest($1::text[]) AS k ON CONFLICT DO NOTHING`, [names]);
      const rows = rowsOf<AttemptRow & { now: Date }>(
        await m.query(`SELECT "key", "attempts", "window_start", "locked_until", now() AS "now" FROM ${T} WHERE "key" = ANY($1::text[]) ORDER BY "key" FOR UPDATE`, [names]),
      );
      // The database's clock, so that replicas with drifting clocks judge windows and locks alike.
      const decision = reserveAttempt(rows, sorted, rules, rows[0]?.now ?? new Date());
      if (!decision.allowed) return decision;
      await m.query(
        `UPDATE ${T} t SET "attempts" = v."attempts", "window_start" = v."window_start", "locked_until" = v."locked_until"
           FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::timestamptz[]) AS v("key", "attempts", "window_start", "locked_until")
          WHERE t."key" = v."key"`,
        [decision.rows.map((r) => r.key), decision.rows.map((r) => r.attempts), decision.rows.map((r) => r.window_start.toISOString()), decision.rows.map((r) => r.locked_until?.toISOString() ?? null)],
      );
      return { allowed: true, attempts: decision.attempts };
    });
  }

  /**
   * The reserved attempt failed: a key whose slots are now all failures is locked. Returns the most attempts of any
   * key (the answer is slowed down by it) and how long the login is locked (seconds, or 0).
   */
  async failed(keys: AttemptKey[], lockoutSeconds: number): Promise<{ attempts: number; lockedForSeconds: number }> {
    const rows = rowsOf<{ attempts: number; locked_for: number | null }>(
      await this.ds.query(
        `UPDATE ${T} t SET "locked_until" = CASE WHEN t."locked_until" IS NULL AND t."attempts" >= k."max" THEN now() + make_interval(secs => $3::int) ELSE t."locked_until" END
           FROM unnest($1::text[], $2::int[]) AS k("key", "max")
          WHERE t."key" = k."key"
          RETURNING t."attempts", ceil(extract(epoch FROM t."locked_until" - now()))::int AS "locked_for"`,
        [keys.map((k) => k.key), keys.map((k) => k.max), lockoutSeconds],
      ),
    );
    return { attempts: Math.max(0, ...rows.map((r) => r.attempts)), lockedForSeconds: Math.max(0, ...rows.map((r) => r.locked_for ?? 0)) };
  }

  /**
   * The reserved attempt succeeded: its slot is given back. Earlier failures of the window stay counted: wiping them
   * on a success would hand whoever is guessing alongside the owner a fresh set of guesses at each of the owner's logins.
   */
  async succeeded(keys: AttemptKey[]): Promise<void> {
    await this.ds.query(`UPDATE ${T} SET "attempts" = GREATEST("attempts" - 1, 0) WHERE "key" = ANY($1::text[])`, [keys.map((k) => k.key)]);
  }

  /** Rows whose window and lock are over (every username ever tried would otherwise stay). */
  async prune(windowSeconds: number): Promise<number> {
    const rows = rowsOf<unknown>(
      await this.ds.query(`DELETE FROM ${T} WHERE ("locked_until" IS NULL OR "locked_until" < now()) AND "window_start" < now() - make_interval(secs => $1::int) RETURNING 1`, [windowSeconds]),
    );
    return rows.length;
  }
}
