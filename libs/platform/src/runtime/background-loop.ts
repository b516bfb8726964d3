import { runAsNewWork } from '@app/observability';
import { Logger } from '@nestjs/common';

export interface BackgroundLoopOptions {
  /** Named in the warning when a run fails. */
  name: string;
  everyMs: number;
  logger: Logger;
}

/**
 * A periodic task of a background worker (heartbeat, sweep, reconcile): each run is new work (its own correlation
 * id), a run still going when the next is due makes that one skip rather than pile up, a failure is logged and the
 * next run tries again, and the timer never keeps the process alive. `stop()` ends the timer and waits for the run in
 * hand, so nothing touches the database after the app closed it.
 */
export class BackgroundLoop {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly opts: BackgroundLoopOptions,
    private readonly run: () => Promise<void>,
  ) {}

  /** Starts the timer: the first run is one period from now (call `tick()` for one at once). */
  start(): this {
    this.timer ??= setInterval(() => void this.tick(), this.opts.everyMs);
    this.timer.unref();
    return this;
  }

  /** One run now, unless one is in hand (then that one's promise). Never rejects. */
  tick(): Promise<void> {
    this.running ??= runAsNewWork(this.run)
      .catch((e: unknown) => this.opts.logger.warn(`${this.opts.name} failed: ${(e as Error)?.message ?? String(e)}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}

/**
 * Share of `server.shutdown_grace_ms` a worker may wait for its work in hand before it records the rest as
 * interrupted: below the whole grace, so that its own final writes (and the apps closed after it) fit before the
 * process is forced out.
 */
export function shutdownWaitMs(graceMs: number, share: number): number {
  return Math.floor(graceMs * share);
}

/** Waits for every promise to settle, or `ms`, whichever is first; true when all settled in time. */
export async function settleWithin(work: Iterable<Promise<unknown>>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([Promise.allSettled([...work]).then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
