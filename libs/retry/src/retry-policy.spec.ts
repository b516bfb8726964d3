import { DEFAULT_RETRY, fullJitterDelayMs, isRetryableStatus, parseRetryAfter, PermanentError, RetryableError, withRetry } from './retry-policy';

const fast = { ...DEFAULT_RETRY, initial_backoff_seconds: 0.001, max_backoff_seconds: 0.004 };

describe('fullJitterDelayMs', () => {
  it('grows exponentially up to the cap and scales with the random draw', () => {
    const s = { ...DEFAULT_RETRY, initial_backoff_seconds: 1, backoff_multiplier: 2, max_backoff_seconds: 10 };
    expect([1, 2, 3, 4, 5].map((n) => fullJitterDelayMs(n, s, () => 0.999999))).toEqual([999, 1999, 3999, 7999, 9999]);
    expect(fullJitterDelayMs(3, s, () => 0.5)).toBe(2000);
    expect(fullJitterDelayMs(3, s, () => 0)).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, caps them and ignores garbage', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10000);
    expect(parseRetryAfter('999999')).toBe(3600_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('withRetry', () => {
  it('makes max_attempts attempts in total, then gives up with the last error', async () => {
    const attempts: number[] = [];
    await expect(withRetry(async (a) => { attempts.push(a); throw new RetryableError(`fail ${a}`); }, { ...fast, max_attempts: 4 })).rejects.toThrow('fail 4');
    expect(attempts).toEqual([1, 2, 3, 4]);
  });

  it('stops at once on a permanent error', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw new PermanentError('400 bad'); }, fast)).rejects.toBeInstanceOf(PermanentError);
    expect(calls).toBe(1);
  });

  it('returns the first success', async () => {
    let calls = 0;
    const v = await withRetry(async () => (++calls < 3 ? Promise.reject(new RetryableError('x')) : 'ok'), fast);
    expect(v).toBe('ok');
    expect(calls).toBe(3);
  });

  it('does not retry when retry is disabled', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw new RetryableError('x'); }, { ...fast, enabled: false })).rejects.toThrow('x');
    expect(calls).toBe(1);
  });

  it('waits at least Retry-After before the next attempt', async () => {
    const delays: number[] = [];
    let calls = 0;
    await withRetry(async () => (++calls === 1 ? Promise.reject(new RetryableError('429', 50, 429)) : 'ok'), fast, { onRetry: (r) => delays.push(r.delayMs) });
    expect(delays).toEqual([50]);
  });

  it('bounds each attempt with the timeout and retries it', async () => {
    let calls = 0;
    const v = await withRetry(
      (_a, signal) =>
        new Promise<string>((resolve, reject) => {
          calls++;
          if (calls > 1) return resolve('second');
          signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
      fast,
      { attemptTimeoutMs: 20 },
    );
    expect(v).toBe('second');
    expect(calls).toBe(2);
  });
});

describe('isRetryableStatus', () => {
  it('follows retry_on_status_codes', () => {
    expect(isRetryableStatus(503, DEFAULT_RETRY)).toBe(true);
    expect(isRetryableStatus(404, DEFAULT_RETRY)).toBe(false);
    expect(isRetryableStatus(404, { ...DEFAULT_RETRY, retry_on_status_codes: [404] })).toBe(true);
  });
});
