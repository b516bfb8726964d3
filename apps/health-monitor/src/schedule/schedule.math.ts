import { createHash } from 'node:crypto';

/**
 * Scheduling maths, pure. Every monitored integration has a fixed grid of due slots:
 * `phase + k * interval` (milliseconds since the epoch). The phase comes from a hash of the id, so checks are
 * spread evenly over the interval (jitter) yet the grid is the same on every replica and after every restart,
 * which keeps the projection idempotent: applying an event twice gives the same schedule.
 */

/** Where in `[0, intervalMs)` the integration's slots fall. */
export function phaseMs(id: string, intervalMs: number): number {
  if (intervalMs <= 0) throw new RangeError('interval must be positive');
  const h = createHash('sha1').update(id).digest();
  // 48 bits of the hash: plenty of spread, still an exact integer in a double
  return h.readUIntBE(0, 6) % intervalMs;
}

/** The first slot strictly after `afterMs`. */
export function nextSlotAfter(afterMs: number, intervalMs: number, phase: number): number {
  const k = Math.floor((afterMs - phase) / intervalMs) + 1;
  return phase + k * intervalMs;
}

/**
 * Where to go after the check for slot `dueMs` finished at `nowMs`: the next slot, or, if the check (or the
 * scheduler) overran it, the first slot still ahead. `missed` counts the slots skipped that way.
 */
export function followingSlot(dueMs: number, nowMs: number, intervalMs: number): { next: number; missed: number } {
  const next = dueMs + intervalMs;
  if (next > nowMs) return { next, missed: 0 };
  const skip = Math.floor((nowMs - next) / intervalMs) + 1;
  return { next: next + skip * intervalMs, missed: skip };
}

/** How long a claimed check is leased: the probe's own timeout plus margins for the reply and the write. */
export function leaseSeconds(timeoutSeconds: number): number {
  return timeoutSeconds + PROBE_MARGIN_SECONDS + WRITE_MARGIN_SECONDS;
}

/** Time allowed beyond the check's timeout for integration-service to answer over NATS. */
export const PROBE_MARGIN_SECONDS = 2;
/** Time allowed after the reply to record the result before another replica may take the check over. */
export const WRITE_MARGIN_SECONDS = 10;
