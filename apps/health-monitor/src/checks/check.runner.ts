import { AppException, domainEvent, EventSubjects, HealthCheckOutcome, HealthStatus, HealthStatusChangedData, ProbeResultDto, RpcSubjects } from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { ClaimedCheck } from '../schedule/schedule.repository';
import { followingSlot, PROBE_MARGIN_SECONDS } from '../schedule/schedule.math';
import { Completion } from './check-results.repository';
import { applyOutcome, INITIAL_STATE } from './thresholds';

const STATUSES = Object.values(HealthStatus) as string[];

/**
 * Runs one claimed check: asks integration-service to probe the integration (it applies the auth; secrets never
 * leave it) and turns the answer into a Completion with the thresholds applied.
 *
 * A probe request that fails (no integration-service, no answer in time, an internal error) is an UNKNOWN
 * outcome: it tells us about our own plumbing, not about the integration, so it moves no counter.
 */
@Injectable()
export class CheckRunner {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  async run(claim: ClaimedCheck): Promise<Completion> {
    const startedAt = new Date();
    let outcome: HealthCheckOutcome;
    let probe: ProbeResultDto | null = null;
    let error: string | null = null;
    try {
      probe = await this.bus.request(RpcSubjects.IntegrationProbe, { id: claim.integration_id }, { timeoutMs: (claim.timeout_seconds + PROBE_MARGIN_SECONDS) * 1000 });
      outcome = probe.healthy ? 'SUCCESS' : 'FAILURE';
      error = probe.healthy ? null : (probe.error ?? (probe.status_code !== null ? `unexpected status ${probe.status_code}` : 'check failed'));
    } catch (e) {
      outcome = 'UNKNOWN';
      error = e instanceof AppException ? `probe did not run: ${e.code}: ${e.message}` : `probe did not run: ${(e as Error)?.message ?? String(e)}`;
    }
    const checkedAt = new Date();
    return this.complete(claim, { outcome, startedAt, checkedAt, probe, error });
  }

  /** Applies the thresholds and works out the next slot (exposed for tests). */
  complete(
    claim: ClaimedCheck,
    r: { outcome: HealthCheckOutcome; startedAt: Date; checkedAt: Date; probe: ProbeResultDto | null; error: string | null },
  ): Completion {
    const before =
      claim.status && STATUSES.includes(claim.status)
        ? { status: claim.status as HealthStatus, consecutiveFailures: claim.consecutive_failures ?? 0, consecutiveSuccesses: claim.consecutive_successes ?? 0 }
        : INITIAL_STATE;
    const step = applyOutcome(before, r.outcome, { failureThreshold: claim.failure_threshold, successThreshold: claim.success_threshold });
    const { next, missed } = followingSlot(claim.due_at.getTime(), r.checkedAt.getTime(), claim.interval_seconds * 1000);
    const dueMs = claim.due_at.getTime();
    const outbox: Completion['outbox'] = [];
    if (step.transition) {
      const data: HealthStatusChangedData = {
        integration_id: claim.integration_id,
        from: step.transition.from,
        to: step.transition.to,
        consecutive_failures: step.state.consecutiveFailures,
        consecutive_successes: step.state.consecutiveSuccesses,
        reason: step.transition.to === HealthStatus.UNHEALTHY ? `${step.state.consecutiveFailures} consecutive failed health checks: ${r.error ?? 'failed'}` : `${step.state.consecutiveSuccesses} consecutive successful health checks`,
      };
      // The id is the slot: the same transition published twice is dropped by the stream.
      outbox.push(domainEvent(EventSubjects.HealthStatusChanged, data, claim.integration_id, `health-status:${claim.integration_id}:${dueMs}`));
    }
    return {
      integrationId: claim.integration_id,
      leaseToken: claim.lease_token,
      dueAt: claim.due_at,
      startedAt: r.startedAt,
      checkedAt: r.checkedAt,
      outcome: r.outcome,
      latencyMs: r.probe ? r.probe.latency_ms : null,
      statusCode: r.probe ? r.probe.status_code : null,
      error: r.error,
      method: r.probe ? r.probe.method : null,
      intervalSeconds: claim.interval_seconds,
      nextDueAt: new Date(next),
      missed,
      state: step.state,
      transitioned: step.transition !== null,
      outbox,
    };
  }
}
