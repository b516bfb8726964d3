/** Waits `ms`, or less when `signal` aborts (a poll loop's pause that stopListening can cut short). */
export const abortableSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/**
 * One background receive/poll loop of an inbound connector: started once, stopped by aborting its signal and
 * waiting for the loop to return (so in-flight handlers finish before stopListening resolves).
 */
export class ListenerLoop {
  private current?: { abort: AbortController; done: Promise<void> };

  get running(): boolean {
    return this.current !== undefined;
  }

  /** Starts `run` unless a loop is already running; returns false in that case. */
  start(run: (signal: AbortSignal) => Promise<void>): boolean {
    if (this.current) return false;
    const abort = new AbortController();
    this.current = { abort, done: run(abort.signal) };
    return true;
  }

  async stop(): Promise<void> {
    const l = this.current;
    this.current = undefined;
    if (!l) return;
    l.abort.abort();
    await l.done;
  }
}
