import { CircuitState } from '@app/contracts';
import { rowsOf } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

const S = '"integration"."delivery_states"';

export interface GateSettings {
  want: number;
  ratePerMinute: number;
  capacity: number;
  cooldownSeconds: number;
  probeStaleSeconds: number;
}

export interface GateResult {
  granted: number;
  before: CircuitState;
  after: CircuitState;
}

export interface BreakerResult {
  before: CircuitState;
  after: CircuitState;
  failures: number;
}

export interface StateRow {
  circuit_state: CircuitState;
  consecutive_failures: number;
  opened_at: Date | null;
}

/**
 * Each integration's token bucket and circuit breaker (one row per integration), read and changed in single atomic
 * statements under the row's lock, so the replicas of integration-service share one limit and one breaker.
 */
export interface DeliveryGateRepository {
  /** Creates the integration's bucket/breaker row when missing (full bucket, closed circuit). */
  ensureState(integrationId: string, capacity: number): Promise<void>;
  /** Takes up to `want` tokens as the bucket and the breaker allow (null: no state row). */
  gate(integrationId: string, g: GateSettings): Promise<GateResult | null>;
  /** Gives back tokens that found nothing to send; `revertProbe`: a probe that found nothing leaves the circuit OPEN again. */
  refund(integrationId: string, tokens: number, capacity: number, revertProbe: boolean): Promise<void>;
  /** Feeds the breaker with a flush's outcomes for one integration (null: no state row). */
  breaker(integrationId: string, sawSuccess: boolean, trailingFailures: number, threshold: number): Promise<BreakerResult | null>;
  state(integrationId: string): Promise<StateRow | null>;
}

export const DELIVERY_GATE_REPOSITORY = Symbol('DELIVERY_GATE_REPOSITORY');

@Injectable()
export class TypeOrmDeliveryGateRepository implements DeliveryGateRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async ensureState(integrationId: string, capacity: number): Promise<void> {
    await this.ds.query(`INSERT INTO ${S} (integration_id, tokens) VALUES ($1, $2) ON CONFLICT (integration_id) DO NOTHING`, [integrationId, capacity]);
  }

  /**
   * Token bucket and breaker in one atomic statement (row lock): refills by elapsed time, grants up to `want`
   * tokens while CLOSED, one probe when OPEN has cooled down (→ HALF_OPEN) or a HALF_OPEN probe went stale.
   */
  async gate(integrationId: string, g: GateSettings): Promise<GateResult | null> {
    const res = await this.ds.query(
      `WITH cur AS (
         SELECT integration_id, circuit_state, opened_at, half_open_at,
                LEAST($4::float8, tokens + GREATEST(0, EXTRACT(EPOCH FROM (clock_timestamp() - refilled_at))) * $3::float8 / 60.0) AS avail
         FROM ${S} WHERE integration_id = $1 FOR UPDATE
       ), dec AS (
         SELECT integration_id, avail, circuit_state,
           CASE
             WHEN circuit_state = 'CLOSED' THEN LEAST($2::int, floor(avail)::int)
             WHEN circuit_state = 'OPEN' AND opened_at + make_interval(secs => $5::float8) <= clock_timestamp() THEN LEAST(1, floor(avail)::int)
             WHEN circuit_state = 'HALF_OPEN' AND half_open_at + make_interval(secs => $6::float8) <= clock_timestamp() THEN LEAST(1, floor(avail)::int)
             ELSE 0
           END AS granted
         FROM cur
       )
       UPDATE ${S} s SET
         tokens = dec.avail - dec.granted,
         refilled_at = clock_timestamp(),
         circuit_state = CASE WHEN dec.circuit_state <> 'CLOSED' AND dec.granted > 0 THEN 'HALF_OPEN' ELSE s.circuit_state END,
         half_open_at = CASE WHEN dec.circuit_state <> 'CLOSED' AND dec.granted > 0 THEN clock_timestamp() ELSE s.half_open_at END
       FROM dec WHERE s.integration_id = dec.integration_id
       RETURNING dec.granted AS granted, dec.circuit_state AS before, s.circuit_state AS after`,
      [integrationId, g.want, g.ratePerMinute, g.capacity, g.cooldownSeconds, g.probeStaleSeconds],
    );
    const row = rowsOf<{ granted: number; before: CircuitState; after: CircuitState }>(res)[0];
    return row ? { granted: Number(row.granted), before: row.before, after: row.after } : null;
  }

  /** Gives back tokens that found nothing to send; a probe that found nothing leaves the circuit OPEN again. */
  async refund(integrationId: string, tokens: number, capacity: number, revertProbe: boolean): Promise<void> {
    await this.ds.query(
      `UPDATE ${S} SET tokens = LEAST($3::float8, tokens + $2::float8),
         circuit_state = CASE WHEN $4::boolean AND circuit_state = 'HALF_OPEN' THEN 'OPEN' ELSE circuit_state END,
         half_open_at = CASE WHEN $4::boolean AND circuit_state = 'HALF_OPEN' THEN NULL ELSE half_open_at END
       WHERE integration_id = $1`,
      [integrationId, tokens, capacity, revertProbe],
    );
  }

  /**
   * Feeds the breaker with a flush's outcomes for one integration: a success resets the count, each trailing
   * failure adds one; CLOSED opens at the threshold, a failed HALF_OPEN probe re-opens, a success closes.
   */
  async breaker(integrationId: string, sawSuccess: boolean, trailingFailures: number, threshold: number): Promise<BreakerResult | null> {
    const res = await this.ds.query(
      `WITH old AS (
         SELECT integration_id, circuit_state, (CASE WHEN $2::boolean THEN 0 ELSE consecutive_failures END) + $3::int AS fails
         FROM ${S} WHERE integration_id = $1 FOR UPDATE
       ), nxt AS (
         SELECT integration_id, circuit_state AS before, fails,
           CASE
             WHEN $3::int > 0 AND (circuit_state = 'HALF_OPEN' OR (circuit_state = 'CLOSED' AND fails >= $4::int)) THEN 'OPEN'
             WHEN $3::int = 0 AND $2::boolean THEN 'CLOSED'
             ELSE circuit_state
           END AS after
         FROM old
       )
       UPDATE ${S} s SET consecutive_failures = nxt.fails, circuit_state = nxt.after,
         opened_at = CASE WHEN nxt.after = 'OPEN' AND nxt.before <> 'OPEN' THEN clock_timestamp() WHEN nxt.after = 'CLOSED' THEN NULL ELSE s.opened_at END,
         half_open_at = CASE WHEN nxt.after <> 'HALF_OPEN' THEN NULL ELSE s.half_open_at END
       FROM nxt WHERE s.integration_id = nxt.integration_id
       RETURNING nxt.before AS before, nxt.after AS after, nxt.fails AS failures`,
      [integrationId, sawSuccess, trailingFailures, threshold],
    );
    const row = rowsOf<{ before: CircuitState; after: CircuitState; failures: number }>(res)[0];
    return row ? { before: row.before, after: row.after, failures: Number(row.failures) } : null;
  }

  async state(integrationId: string): Promise<StateRow | null> {
    return rowsOf<StateRow>(await this.ds.query(`SELECT circuit_state, consecutive_failures, opened_at FROM ${S} WHERE integration_id = $1`, [integrationId]))[0] ?? null;
  }
}
