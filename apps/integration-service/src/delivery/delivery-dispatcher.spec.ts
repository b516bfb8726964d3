import { DeliveryStatus, RetryConfigDto } from '@app/contracts';
import { decide } from './delivery-dispatcher';

const retry = (over: Partial<RetryConfigDto> = {}) => ({ retry: { ...new RetryConfigDto(), initial_backoff_seconds: 1, max_backoff_seconds: 60, backoff_multiplier: 2, ...over } });
const NOW = 1_000_000;

describe('decide (outcome of one attempt)', () => {
  it('delivers on success', () => {
    expect(decide(retry(), 0, { ok: true, statusCode: 200, retryable: false, durationMs: 3 }, NOW).status).toBe(DeliveryStatus.DELIVERED);
  });

  it('schedules a listed status again with full jitter, bounded by the exponential ceiling', () => {
    const first = decide(retry(), 0, { ok: false, statusCode: 500, retryable: true, durationMs: 3 }, NOW, () => 0.999);
    expect(first.status).toBe(DeliveryStatus.PENDING);
    expect(first.nextAttemptAt.getTime() - NOW).toBe(999); // ceiling 1 s before the 2nd attempt
    const second = decide(retry({ max_attempts: 5 }), 2, { ok: false, statusCode: 502, retryable: true, durationMs: 3 }, NOW, () => 0.5);
    expect(second.nextAttemptAt.getTime() - NOW).toBe(2000); // ceiling 4 s before the 4th, half of it
    expect(decide(retry(), 0, { ok: false, statusCode: 500, retryable: true, durationMs: 3 }, NOW, () => 0).nextAttemptAt.getTime()).toBe(NOW);
  });

  it('fails at once on a status that is not listed, and after the last attempt', () => {
    expect(decide(retry(), 0, { ok: false, statusCode: 400, retryable: false, durationMs: 3 }, NOW).status).toBe(DeliveryStatus.DEAD);
    expect(decide(retry(), 0, { ok: false, statusCode: 408, retryable: true, durationMs: 3 }, NOW).status).toBe(DeliveryStatus.DEAD);
    expect(decide(retry({ max_attempts: 3 }), 2, { ok: false, statusCode: 500, retryable: true, durationMs: 3 }, NOW).status).toBe(DeliveryStatus.DEAD);
    expect(decide(retry({ enabled: false }), 0, { ok: false, statusCode: 500, retryable: true, durationMs: 3 }, NOW).status).toBe(DeliveryStatus.DEAD);
  });

  it('lets the connector decide without a status (network errors, timeouts, config errors)', () => {
    expect(decide(retry(), 0, { ok: false, retryable: true, error: 'ECONNREFUSED', durationMs: 3 }, NOW).status).toBe(DeliveryStatus.PENDING);
    expect(decide(retry(), 0, { ok: false, retryable: false, error: 'bad config', durationMs: 3 }, NOW).status).toBe(DeliveryStatus.DEAD);
  });

  it('honours Retry-After on 429 and 503 as a floor, not on other statuses', () => {
    const r429 = decide(retry(), 0, { ok: false, statusCode: 429, retryable: true, retryAfterSeconds: 30, durationMs: 3 }, NOW, () => 0.5);
    expect(r429.nextAttemptAt.getTime() - NOW).toBe(30_000);
    const r503 = decide(retry(), 0, { ok: false, statusCode: 503, retryable: true, retryAfterSeconds: 0, durationMs: 3 }, NOW, () => 0.5);
    expect(r503.nextAttemptAt.getTime() - NOW).toBe(500);
    const r500 = decide(retry(), 0, { ok: false, statusCode: 500, retryable: true, retryAfterSeconds: 30, durationMs: 3 }, NOW, () => 0.5);
    expect(r500.nextAttemptAt.getTime() - NOW).toBe(500);
  });
});
