import { HealthCheckOutcome, HealthStatus } from '@app/contracts';

/** What the thresholds remember about one integration. */
export interface ThresholdState {
  status: HealthStatus;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
}

export interface Thresholds {
  failureThreshold: number;
  successThreshold: number;
}

export interface ThresholdStep {
  state: ThresholdState;
  /** Set when this outcome changed the status. */
  transition: { from: HealthStatus; to: HealthStatus } | null;
}

export const INITIAL_STATE: ThresholdState = { status: HealthStatus.UNKNOWN, consecutiveFailures: 0, consecutiveSuccesses: 0 };

/**
 * The threshold state machine (pure). `failure_threshold` consecutive failures make an integration UNHEALTHY,
 * `success_threshold` consecutive successes make it HEALTHY; a success resets the failure streak and the other
 * way round, so a flapping endpoint does not flip the status on every check. Counters keep counting past the
 * threshold (the API shows them) but only the crossing is a transition. An UNKNOWN outcome (the probe could not
 * run) says nothing about the integration: it changes neither the status nor the streaks.
 */
export function applyOutcome(state: ThresholdState, outcome: HealthCheckOutcome, t: Thresholds): ThresholdStep {
  if (outcome === 'UNKNOWN') return { state, transition: null };
  const success = outcome === 'SUCCESS';
  const consecutiveSuccesses = success ? state.consecutiveSuccesses + 1 : 0;
  const consecutiveFailures = success ? 0 : state.consecutiveFailures + 1;
  let status = state.status;
  if (success && consecutiveSuccesses >= t.successThreshold) status = HealthStatus.HEALTHY;
  if (!success && consecutiveFailures >= t.failureThreshold) status = HealthStatus.UNHEALTHY;
  const next = { status, consecutiveFailures, consecutiveSuccesses };
  return { state: next, transition: status !== state.status ? { from: state.status, to: status } : null };
}
