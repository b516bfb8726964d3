import { HealthCheckOutcome, HealthStatus } from '@app/contracts';
import { applyOutcome, INITIAL_STATE, ThresholdState, Thresholds } from './thresholds';

function run(outcomes: HealthCheckOutcome[], t: Thresholds, from: ThresholdState = INITIAL_STATE) {
  let state = from;
  const transitions: Array<{ at: number; from: HealthStatus; to: HealthStatus }> = [];
  outcomes.forEach((o, i) => {
    const step = applyOutcome(state, o, t);
    state = step.state;
    if (step.transition) transitions.push({ at: i, ...step.transition });
  });
  return { state, transitions };
}

const S = 'SUCCESS' as const;
const F = 'FAILURE' as const;
const U = 'UNKNOWN' as const;

describe('threshold state machine', () => {
  it('starts UNKNOWN and becomes HEALTHY on exactly success_threshold successes', () => {
    expect(INITIAL_STATE.status).toBe(HealthStatus.UNKNOWN);
    const r = run([S, S, S], { failureThreshold: 2, successThreshold: 2 });
    expect(r.transitions).toEqual([{ at: 1, from: HealthStatus.UNKNOWN, to: HealthStatus.HEALTHY }]);
    expect(r.state).toEqual({ status: HealthStatus.HEALTHY, consecutiveFailures: 0, consecutiveSuccesses: 3 });
  });

  it('becomes UNHEALTHY on exactly failure_threshold consecutive failures, then recovers', () => {
    const r = run([S, S, F, F, F, F, S, S], { failureThreshold: 3, successThreshold: 2 });
    expect(r.transitions).toEqual([
      { at: 1, from: HealthStatus.UNKNOWN, to: HealthStatus.HEALTHY },
      { at: 4, from: HealthStatus.HEALTHY, to: HealthStatus.UNHEALTHY },
      { at: 7, from: HealthStatus.UNHEALTHY, to: HealthStatus.HEALTHY },
    ]);
  });

  it('does not flap: a success breaks a failure streak and the other way round', () => {
    const r = run([S, F, S, F, S, F, F, S, F], { failureThreshold: 3, successThreshold: 2 });
    expect(r.transitions).toEqual([]);
    expect(r.state).toEqual({ status: HealthStatus.UNKNOWN, consecutiveFailures: 1, consecutiveSuccesses: 0 });
  });

  it('with thresholds of 1 follows every outcome', () => {
    const r = run([F, S, F], { failureThreshold: 1, successThreshold: 1 });
    expect(r.transitions.map((t) => t.to)).toEqual([HealthStatus.UNHEALTHY, HealthStatus.HEALTHY, HealthStatus.UNHEALTHY]);
  });

  it('ignores UNKNOWN outcomes: no transition, streaks neither broken nor extended', () => {
    const t = { failureThreshold: 2, successThreshold: 2 };
    const r = run([F, U, U, F], t);
    expect(r.transitions).toEqual([{ at: 3, from: HealthStatus.UNKNOWN, to: HealthStatus.UNHEALTHY }]);
    const healthy: ThresholdState = { status: HealthStatus.HEALTHY, consecutiveFailures: 0, consecutiveSuccesses: 5 };
    const step = applyOutcome(healthy, U, t);
    expect(step).toEqual({ state: healthy, transition: null });
  });

  it('keeps counting past the threshold without a second transition', () => {
    const r = run([F, F, F, F, F], { failureThreshold: 2, successThreshold: 1 });
    expect(r.transitions).toHaveLength(1);
    expect(r.state.consecutiveFailures).toBe(5);
  });

  it('applies a threshold lowered on the fly at the next outcome', () => {
    const s: ThresholdState = { status: HealthStatus.HEALTHY, consecutiveFailures: 2, consecutiveSuccesses: 0 };
    expect(applyOutcome(s, F, { failureThreshold: 3, successThreshold: 1 }).transition).toEqual({ from: HealthStatus.HEALTHY, to: HealthStatus.UNHEALTHY });
  });
});
