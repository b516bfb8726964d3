import { createCloudEvent } from '@app/contracts';
import { APP_NAME, MESSAGE_BUS, MessageBus } from '@app/messaging';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CHECK_RESULTS_REPOSITORY, CheckResultsRepository } from './check-results.repository';

const LEASE_SECONDS = 30;

/**
 * Publishes the events written to `health.outbox` (status changes), oldest first, at least once: a row is
 * leased, published, then deleted; a replica that dies in between leaves it to the next lease. The event id is
 * stable, so JetStream drops a duplicate within its window.
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private running?: Promise<void>;
  private again = false;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(CHECK_RESULTS_REPOSITORY) private readonly repo: CheckResultsRepository,
    @Inject(APP_NAME) private readonly app: string,
  ) {}

  /** Runs a relay pass now (or right after the current one). */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass().catch((e) => this.logger.warn(`outbox relay: ${(e as Error).message}`));
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    for (;;) {
      const rows = await this.repo.leaseOutbox(100, LEASE_SECONDS);
      if (!rows.length) return;
      const done: string[] = [];
      try {
        for (const r of rows) {
          await this.bus.publish(createCloudEvent({ id: r.event_id, type: r.type, source: `/aws-mcp-server/${this.app}`, subject: r.subject ?? undefined, data: r.data }));
          done.push(r.id);
        }
      } finally {
        await this.repo.deleteOutbox(done);
      }
      if (rows.length < 100) return;
    }
  }
}
