import { AppException, EventSubjects, HealthStatus, ProbeResultDto } from '@app/contracts';
import { InProcessMessageBus } from '@app/messaging';
import { ClaimedCheck } from '../schedule/schedule.repository';
import { CheckRunner } from './check.runner';

const claim = (over: Partial<ClaimedCheck> = {}): ClaimedCheck => ({
  integration_id: '3f2c1a9e-6a5b-4a8e-9a51-1f6f2b7c9d10',
  due_at: new Date(100_000),
  lease_token: 'token',
  interval_seconds: 5,
  timeout_seconds: 1,
  failure_threshold: 2,
  success_threshold: 1,
  status: HealthStatus.HEALTHY,
  consecutive_failures: 1,
  consecutive_successes: 0,
  ...over,
});

const probe = (healthy: boolean): ProbeResultDto => ({ integration_id: 'x', healthy, method: 'endpoint', latency_ms: 7, status_code: healthy ? 200 : 503, error: healthy ? null : 'expected status 200, got 503', checked_at: new Date().toISOString() });

describe('CheckRunner (against the in-process bus)', () => {
  it('turns the probe answer into an outcome, applies the thresholds and queues the status change', async () => {
    const bus = new InProcessMessageBus();
    bus.serve('rpc.integration.probe', async () => probe(false), { queue: 'integration-service' });
    const c = await new CheckRunner(bus).run(claim());
    expect(c).toMatchObject({ outcome: 'FAILURE', statusCode: 503, latencyMs: 7, method: 'endpoint', error: 'expected status 200, got 503', transitioned: true });
    expect(c.state).toEqual({ status: HealthStatus.UNHEALTHY, consecutiveFailures: 2, consecutiveSuccesses: 0 });
    expect(c.outbox).toEqual([
      {
        type: EventSubjects.HealthStatusChanged,
        subject: c.integrationId,
        id: `health-status:${c.integrationId}:100000`,
        data: expect.objectContaining({ integration_id: c.integrationId, from: HealthStatus.HEALTHY, to: HealthStatus.UNHEALTHY, consecutive_failures: 2 }),
      },
    ]);
    expect(c.nextDueAt.getTime()).toBeGreaterThan(c.checkedAt.getTime());
    expect((c.nextDueAt.getTime() - 100_000) % 5000).toBe(0);
  });

  it('counts a probe that could not run as UNKNOWN and leaves the state alone', async () => {
    const bus = new InProcessMessageBus();
    const none = await new CheckRunner(bus).run(claim());
    expect(none).toMatchObject({ outcome: 'UNKNOWN', transitioned: false, outbox: [], latencyMs: null, statusCode: null });
    expect(none.error).toContain('SERVICE_UNAVAILABLE');
    expect(none.state).toEqual({ status: HealthStatus.HEALTHY, consecutiveFailures: 1, consecutiveSuccesses: 0 });

    bus.serve('rpc.integration.probe', async () => { throw new AppException('INTERNAL_ERROR', 'boom'); }, { queue: 'integration-service' });
    expect((await new CheckRunner(bus).run(claim())).outcome).toBe('UNKNOWN');
  });

  it('starts a never-checked integration from UNKNOWN', () => {
    const c = new CheckRunner(new InProcessMessageBus()).complete(claim({ status: null, consecutive_failures: null, consecutive_successes: null }), {
      outcome: 'SUCCESS',
      startedAt: new Date(100_010),
      checkedAt: new Date(100_020),
      probe: probe(true),
      error: null,
    });
    expect(c.outbox[0].data).toMatchObject({ from: HealthStatus.UNKNOWN, to: HealthStatus.HEALTHY });
    expect(c.nextDueAt).toEqual(new Date(105_000));
    expect(c.missed).toBe(0);
  });
});
