import { randomUUID } from 'node:crypto';
import { createCloudEvent } from '@app/contracts';
import { APP_NAME, MESSAGE_BUS, MessageBus } from '@app/messaging';
import { eventsPublished, runAsNewWork } from '@app/observability';
import { DEFAULT_RETRY, fullJitterDelayMs, RetrySettings } from '@app/retry';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OutboxRow, OutboxStore } from './outbox.store';

export const OUTBOX_STORE = Symbol('OUTBOX_STORE');

/** Tunables, overridable for tests. */
export interface OutboxRelaySettings {
  /** Events read per round (whole rows: at least one row). */
  batch: number;
  /** Publishes in flight at once (started in id order; JetStream acks are the slow part). */
  window: number;
  leaseSeconds: number;
  /** Rows a crashed or stopped process left behind are picked up this often. */
  sweepMs: number;
  /** Another replica holds the lease: look again this soon (it may be just finishing). */
  contendedMs: number;
  backoff: RetrySettings;
}

export const OUTBOX_RELAY_SETTINGS = Symbol('OUTBOX_RELAY_SETTINGS');

export const DEFAULT_OUTBOX_RELAY_SETTINGS: OutboxRelaySettings = {
  batch: 2000,
  window: 128,
  leaseSeconds: 30,
  sweepMs: 5000,
  contendedMs: 250,
  backoff: { ...DEFAULT_RETRY, initial_backoff_seconds: 0.5, max_backoff_seconds: 30 },
};

type PassOutcome = 'drained' | 'contended' | 'failed';

/**
 * Publishes what the service's transactions wrote to its `outbox`, oldest first, at least once: a batch is
 * published (event id as Nats-Msg-Id), then deleted. One replica at a time holds the relay lease, so replicas do
 * not publish the same rows and the order of commits is kept; a replica that dies leaves its lease to expire and
 * its rows to the next holder, which may publish a few again under the same ids (JetStream drops them within its
 * duplicate window). Woken after each commit of this process and every `sweepMs`; a failed publish backs off.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly owner = randomUUID();
  private running?: Promise<void>;
  private again = false;
  private failures = 0;
  private retryTimer?: NodeJS.Timeout;
  private sweepTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(APP_NAME) private readonly app: string,
    @Inject(OUTBOX_STORE) private readonly store: OutboxStore,
    @Inject(OUTBOX_RELAY_SETTINGS) private readonly settings: OutboxRelaySettings,
  ) {}

  onApplicationBootstrap(): void {
    // Rows a previous process committed but did not publish go first.
    void this.kick();
    this.sweepTimer = setInterval(() => void this.kick(), this.settings.sweepMs);
    this.sweepTimer.unref();
  }

  /** Before the database closes: stop waking, and publish what is left if the bus takes it. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweepTimer);
    const backingOff = this.retryTimer !== undefined;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.running;
    if (!backingOff) await this.kick();
    this.stopped = true;
  }

  /** Wakes the relay now (or right after the pass in progress); waiting out a backoff, it only notes the wish. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    if (this.retryTimer) return Promise.resolve();
    // A relay batch is work of its own (the events keep the correlation ids they were written with).
    this.running = runAsNewWork(async () => {
      let outcome: PassOutcome;
      do {
        this.again = false;
        outcome = await this.pass().catch((e: Error) => {
          this.logger.warn(`outbox relay: ${e.message}`);
          return 'failed' as const;
        });
      } while (this.again && outcome === 'drained' && !this.stopped);
      this.after(outcome);
    }).finally(() => (this.running = undefined));
    return this.running;
  }

  private after(outcome: PassOutcome): void {
    if (this.stopped) return;
    if (outcome === 'drained') {
      this.failures = 0;
      return;
    }
    const delay = outcome === 'failed' ? Math.max(100, fullJitterDelayMs(++this.failures, this.settings.backoff)) : this.settings.contendedMs;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.kick();
    }, delay);
    this.retryTimer.unref();
  }

  private async pass(): Promise<PassOutcome> {
    if (!(await this.store.acquire(this.ds, this.owner, this.settings.leaseSeconds))) {
      // The holder drains everything, ours included, unless it was just letting go: look again soon.
      return (await this.store.any(this.ds)) ? 'contended' : 'drained';
    }
    let leasedAt = Date.now();
    try {
      for (;;) {
        const rows = await this.store.oldest(this.ds, this.settings.batch);
        if (!rows.length) return 'drained';
        const { done, partly, error } = await this.publish(rows);
        await this.store.delete(this.ds, done);
        if (error) {
          if (partly) await this.store.markPublished(this.ds, partly.id, partly.published);
          this.logger.warn(`outbox relay: publishing failed (${error.message}); retrying with backoff`);
          return 'failed';
        }
        // Renews the lease (a third of the way through it); lost (we stalled past it), the new holder goes on from here.
        if (Date.now() - leasedAt > (this.settings.leaseSeconds * 1000) / 3) {
          if (!(await this.store.acquire(this.ds, this.owner, this.settings.leaseSeconds))) return 'contended';
          leasedAt = Date.now();
        }
      }
    } finally {
      // Let go when done or failing: another replica (whose bus may work) takes over at its next wake.
      await this.store.release(this.ds, this.owner).catch(() => undefined);
    }
  }

  /**
   * Publishes the rows' events in order with up to `window` in flight (one connection keeps their order); after a
   * failure no further one starts. Returns the rows fully published and, on failure, the row published up to where.
   */
  private async publish(rows: OutboxRow[]): Promise<{ done: string[]; partly?: { id: string; published: number }; error?: Error }> {
    const source = `/aws-mcp-server/${this.app}`;
    const queue = rows.flatMap((r) => r.events.slice(r.published).map((e) => ({ r, e })));
    const acked = new Array<boolean>(queue.length).fill(false);
    let error: Error | undefined;
    let next = 0;
    const worker = async () => {
      while (!error && next < queue.length) {
        const i = next++;
        const { r, e } = queue[i];
        const event = createCloudEvent({ id: e.id, type: e.type, source, subject: e.subject, data: e.data, correlationId: r.correlation_id ?? undefined, time: new Date(r.created_at) });
        try {
          await this.bus.publish(event);
          acked[i] = true;
          eventsPublished.inc({ app: this.app, type: e.type });
        } catch (err) {
          error ??= err as Error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.settings.window, queue.length) }, worker));
    if (!error) return { done: rows.map((r) => r.id) };
    // Only the unbroken prefix counts as out: what was acked after a failure goes again, under the same ids.
    const prefix = acked.indexOf(false);
    const done: string[] = [];
    let seen = 0;
    for (const r of rows) {
      const pending = r.events.length - r.published;
      if (seen + pending <= prefix) done.push(r.id);
      else return { done, partly: prefix > seen ? { id: r.id, published: r.published + prefix - seen } : undefined, error };
      seen += pending;
    }
    return { done, error };
  }
}
