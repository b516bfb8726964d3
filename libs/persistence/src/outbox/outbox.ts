import { randomUUID } from 'node:crypto';
import { currentCorrelationId } from '@app/observability';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { OUTBOX_STORE, OutboxRelay } from './outbox.relay';
import { OutboxEvent, OutboxStore, SqlRunner } from './outbox.store';

/**
 * The transactional outbox of a service: domain events are written to its `outbox` table in the transaction that
 * makes the change they report, and the relay publishes them after the commit. A crash between the commit and the
 * publish delays the event; it no longer loses it.
 */
@Injectable()
export class Outbox {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(OUTBOX_STORE) private readonly store: OutboxStore,
    private readonly relay: OutboxRelay,
  ) {}

  /**
   * Runs `work` in one transaction; the events it passes to `emit` are written in it (one statement, just before
   * the commit) and the relay is woken after the commit.
   */
  async transaction<T>(work: (m: EntityManager, emit: (...events: OutboxEvent[]) => void) => Promise<T>): Promise<T> {
    const events: OutboxEvent[] = [];
    const result = await this.ds.transaction(async (m) => {
      const r = await work(m, (...e) => void events.push(...e));
      await this.write(m, events);
      return r;
    });
    if (events.length) this.committed();
    return result;
  }

  /** Writes events in the caller's open transaction (one row, one statement); call `committed()` after it commits. */
  async write(tx: SqlRunner, events: OutboxEvent[]): Promise<void> {
    await this.store.insert(
      tx,
      events.map((e) => ({ ...e, id: e.id ?? randomUUID() })),
      // Every event carries a correlation id: work that began without one (a timer's) gets one of its own here.
      currentCorrelationId() ?? randomUUID(),
    );
  }

  /** Wakes the relay: there is something new to publish. */
  committed(): void {
    void this.relay.kick();
  }
}
