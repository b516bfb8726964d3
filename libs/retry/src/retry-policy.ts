import { DelegateBackoff, handleWhen, IRetryBackoffContext, retry, RetryPolicy, TaskCancelledError, timeout, TimeoutStrategy, wrap } from 'cockatiel';

/** The seed's RetryConfig, as stored on an integration (and used by AWS calls and health checks too). */
export interface RetrySettings {
  enabled: boolean;
  /** Total attempts, the first one included. */
  max_attempts: number;
  initial_backoff_seconds: number;
  max_backoff_seconds: number;
  backoff_multiplier: number;
  retry_on_status_codes: number[];
}

export const DEFAULT_RETRY: RetrySettings = { enabled: true, max_attempts: 3, initial_backoff_seconds: 1, max_backoff_seconds: 60, backoff_multiplier: 2, retry_on_status_codes: [429, 500, 502, 503, 504] };

/** A failure another attempt may fix; `retryAfterMs` comes from a Retry-After header and wins over backoff. */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'RetryableError';
  }
}

/** A failure no attempt can fix (a 4xx that is not listed, an invalid config): fail at once. */
export class PermanentError extends Error {
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'PermanentError';
  }
}

/**
 * Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): a uniformly random delay between 0 and
 * the capped exponential, so that many clients retrying together spread out.
 * `retry` is 1 for the delay before the second attempt.
 */
export function fullJitterDelayMs(retryNumber: number, s: RetrySettings, random: () => number = Math.random): number {
  const ceiling = Math.min(s.max_backoff_seconds, s.initial_backoff_seconds * s.backoff_multiplier ** Math.max(0, retryNumber - 1)) * 1000;
  return Math.floor(random() * ceiling);
}

/** Whether an HTTP-like status is worth another attempt under these settings. */
export function isRetryableStatus(status: number, s: RetrySettings): boolean {
  return s.retry_on_status_codes.includes(status);
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds from now, bounded by a ceiling. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now(), maxMs = 3600_000): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, maxMs);
  // An HTTP-date (RFC 9110, all three forms) starts with a day name; this keeps "-5" from parsing as a year.
  if (!/^[A-Za-z]{3}/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, at - now), maxMs);
}

export interface RetryOptions {
  /** Which errors are worth another attempt; by default RetryableError and errors that are not PermanentError. */
  shouldRetry?: (error: unknown) => boolean;
  /** Bound of each single attempt, in ms (the integration's timeout_seconds). */
  attemptTimeoutMs?: number;
  random?: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

const defaultShouldRetry = (e: unknown) => !(e instanceof PermanentError);

/**
 * One retry policy for the whole system, on cockatiel: full-jitter exponential backoff from RetrySettings,
 * Retry-After honoured, permanent errors not retried, each attempt bounded by a timeout.
 */
export function createRetryPolicy(s: RetrySettings, opts: RetryOptions = {}): RetryPolicy {
  const shouldRetry = opts.shouldRetry ?? defaultShouldRetry;
  const backoff = new DelegateBackoff<IRetryBackoffContext<unknown>>((ctx) => {
    const jitter = fullJitterDelayMs(ctx.attempt, s, opts.random);
    const error = 'error' in ctx.result ? ctx.result.error : undefined;
    const retryAfter = error instanceof RetryableError ? error.retryAfterMs : undefined;
    return retryAfter !== undefined ? Math.max(retryAfter, jitter) : jitter;
  });
  const policy = retry(handleWhen((e) => shouldRetry(e)), { maxAttempts: s.enabled ? Math.max(0, s.max_attempts - 1) : 0, backoff });
  if (opts.onRetry) policy.onRetry((r) => opts.onRetry!({ attempt: r.attempt, delayMs: r.delay, error: 'error' in r ? r.error : undefined }));
  return policy;
}

/** Runs `fn` under the policy; every attempt gets an AbortSignal that fires at its timeout. */
export async function withRetry<T>(fn: (attempt: number, signal: AbortSignal) => Promise<T>, s: RetrySettings, opts: RetryOptions = {}, signal?: AbortSignal): Promise<T> {
  const policy = createRetryPolicy(s, opts);
  if (!opts.attemptTimeoutMs) return policy.execute(({ attempt, signal: sig }) => fn(attempt + 1, sig), signal);
  const perAttempt = timeout(opts.attemptTimeoutMs, TimeoutStrategy.Aggressive);
  try {
    return await wrap(policy, perAttempt).execute(({ attempt, signal: sig }) => fn(attempt + 1, sig), signal);
  } catch (e) {
    if (e instanceof TaskCancelledError) throw new RetryableError(`Timed out after ${opts.attemptTimeoutMs} ms`);
    throw e;
  }
}
