import { AccountSlots } from './account-slots';

export interface ScheduledTarget {
  seq: number;
  account_id: string;
  region: string;
}

/** How a target ended, as far as max_errors is concerned. */
export type TargetOutcome = 'SUCCESS' | 'FAILED' | 'TIMED_OUT' | 'CANCELLED';

/** Why the scheduler stopped starting targets. `shutdown`: this process is stopping (targets end as interrupted). */
export type StopReason = 'max_errors' | 'cancel' | 'shutdown';

export interface SchedulerSummary {
  stoppedBy: StopReason | null;
  /** Targets that never started, in order. */
  notStarted: ScheduledTarget[];
  errors: number;
}

export interface TargetSchedulerOptions {
  targets: readonly ScheduledTarget[];
  maxConcurrency: number;
  /** Failed + timed-out targets tolerated; one more and no new target starts. */
  allowedErrors: number;
  slots: AccountSlots;
  /** Runs one target; `signal` aborts it, with `signal.reason` a StopReason. Must not throw (a throw counts as FAILED). */
  run: (target: ScheduledTarget, signal: AbortSignal) => Promise<TargetOutcome>;
}

/**
 * Starts targets in order with at most `maxConcurrency` running and at most `slots.perAccount` per account
 * (a target whose account is busy waits, later targets of other accounts go ahead). Once errors exceed
 * `allowedErrors`, or on stop(), no new target starts; running ones finish (on stop they are aborted).
 */
export class TargetScheduler {
  private readonly pending: ScheduledTarget[];
  private readonly running = new Map<number, { target: ScheduledTarget; controller: AbortController }>();
  private stoppedBy: StopReason | null = null;
  private errors = 0;
  private resolveDone!: (s: SchedulerSummary) => void;
  private readonly done: Promise<SchedulerSummary>;
  private unsubscribe: (() => void) | null = null;
  private finished = false;

  constructor(private readonly opts: TargetSchedulerOptions) {
    if (!Number.isInteger(opts.maxConcurrency) || opts.maxConcurrency < 1) throw new TypeError('maxConcurrency must be a positive integer');
    this.pending = [...opts.targets];
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  /** Starts scheduling; resolves when every started target has ended. */
  start(): Promise<SchedulerSummary> {
    this.unsubscribe = this.opts.slots.onRelease(() => this.pump());
    this.pump();
    return this.done;
  }

  /** No new target starts; running ones are aborted with `reason`. Idempotent (the first reason wins). */
  stop(reason: StopReason): void {
    // cancel/shutdown override max_errors (the command then ends CANCELLED or interrupted); the first of those wins.
    if (this.stoppedBy === null || this.stoppedBy === 'max_errors') this.stoppedBy = reason;
    if (reason !== 'max_errors') for (const r of this.running.values()) r.controller.abort(reason);
    this.pump();
  }

  get runningCount(): number {
    return this.running.size;
  }

  private pump(): void {
    if (this.finished) return;
    if (!this.stoppedBy) {
      for (let i = 0; i < this.pending.length && this.running.size < this.opts.maxConcurrency; ) {
        const target = this.pending[i];
        if (this.opts.slots.tryAcquire(target.account_id)) {
          this.pending.splice(i, 1);
          this.launch(target);
        } else {
          i++;
        }
      }
    }
    if (this.running.size === 0 && (this.stoppedBy || this.pending.length === 0)) this.finish();
  }

  private launch(target: ScheduledTarget): void {
    const controller = new AbortController();
    this.running.set(target.seq, { target, controller });
    void this.opts
      .run(target, controller.signal)
      .catch((): TargetOutcome => 'FAILED')
      .then((outcome) => {
        if (outcome === 'FAILED' || outcome === 'TIMED_OUT') {
          this.errors++;
          if (this.errors > this.opts.allowedErrors && !this.stoppedBy) this.stoppedBy = 'max_errors';
        }
      })
      .finally(() => {
        this.running.delete(target.seq);
        // release() notifies every scheduler waiting for this account, this one included (→ pump).
        this.opts.slots.release(target.account_id);
        this.pump();
      });
  }

  private finish(): void {
    this.finished = true;
    this.unsubscribe?.();
    this.resolveDone({ stoppedBy: this.stoppedBy, notStarted: this.pending.splice(0), errors: this.errors });
  }
}

/** `max_errors` as a number of targets: a count as is, a percentage of all targets rounded down. */
export function allowedErrors(maxErrors: number | string, targetsTotal: number): number {
  if (typeof maxErrors === 'number') return maxErrors;
  const m = /^(\d{1,3})%$/.exec(maxErrors);
  if (m) return Math.floor((Number(m[1]) * targetsTotal) / 100);
  const n = Number(maxErrors);
  if (Number.isInteger(n) && n >= 0) return n;
  throw new TypeError(`invalid max_errors ${JSON.stringify(maxErrors)}`);
}
