/** A received message the keeper holds invisible: SQS's message id (entry id of batch calls) and receipt handle. */
export interface HeldMessage {
  id: string;
  receiptHandle: string;
}

export interface VisibilityKeeperOptions {
  /** The visibility timeout the messages were received with (seconds); each extension sets it again from now. */
  timeoutSeconds: number;
  /** No message is held longer than this since it was received; past it, it becomes visible again (at least once). */
  maxSeconds: number;
  /** ChangeMessageVisibility(Batch): sets `seconds` from now for each entry; returns the ids SQS refused. */
  extend(entries: HeldMessage[], seconds: number): Promise<string[]>;
  onError(error: unknown): void;
  now?: () => number;
}

/** SQS batch calls take at most 10 entries. */
const BATCH = 10;

/**
 * Keeps the messages of a receive invisible while they wait for and go through the handler. The listener
 * handles one message at a time, so the last of a batch of 10 waits for the nine before it: without this, any
 * of them whose handling outlasts the visibility timeout would be handed to another consumer and handled twice.
 * Every third of the timeout each held message's visibility is set to the full timeout again, so a crashed
 * replica's messages still come back one timeout after its last extension. A released message (handled and
 * deleted, or failed) is no longer extended: a failed one reappears when its current timeout ends, as before.
 */
export class VisibilityKeeper {
  private readonly held = new Map<string, HeldMessage & { receivedAt: number }>();
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private readonly now: () => number;

  constructor(private readonly opts: VisibilityKeeperOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** A visibility timeout of 0 makes messages visible at once by choice: there is nothing to keep. */
  private get intervalMs(): number {
    return (this.opts.timeoutSeconds * 1000) / 3;
  }

  hold(messages: HeldMessage[]): void {
    if (this.opts.timeoutSeconds <= 0) return;
    const receivedAt = this.now();
    for (const m of messages) this.held.set(m.id, { ...m, receivedAt });
    this.schedule();
  }

  release(id: string): void {
    this.held.delete(id);
    if (!this.held.size) this.clear();
  }

  /** Stops extending everything (the listener stops: what was not handled reappears after its timeout). */
  stop(): void {
    this.held.clear();
    this.clear();
  }

  private clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer || this.ticking || !this.held.size) return;
    this.timer = setTimeout(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** One round of extensions; the next is scheduled after it, so a slow SQS call never overlaps the next round. */
  async tick(): Promise<void> {
    this.ticking = true;
    this.clear();
    try {
      await this.extendHeld();
    } finally {
      this.ticking = false;
      this.schedule();
    }
  }

  private async extendHeld(): Promise<void> {
    const now = this.now();
    // Grouped by the seconds they get: all get the full timeout except those nearing maxSeconds.
    const bySeconds = new Map<number, HeldMessage[]>();
    for (const m of [...this.held.values()]) {
      const left = Math.floor(this.opts.maxSeconds - (now - m.receivedAt) / 1000);
      if (left <= 0) {
        this.held.delete(m.id);
        continue;
      }
      const seconds = Math.min(this.opts.timeoutSeconds, left);
      bySeconds.set(seconds, [...(bySeconds.get(seconds) ?? []), { id: m.id, receiptHandle: m.receiptHandle }]);
    }
    for (const [seconds, entries] of bySeconds) {
      for (let i = 0; i < entries.length; i += BATCH) {
        try {
          // A refused entry (deleted meanwhile, receipt handle expired) cannot be extended again.
          for (const id of await this.opts.extend(entries.slice(i, i + BATCH), seconds)) this.held.delete(id);
        } catch (e) {
          this.opts.onError(e); // tried again next round, while a third of the timeout is left
        }
      }
    }
  }
}
