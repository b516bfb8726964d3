import { createCloudEvent, domainEvent, EventSubjects, HealthCheckCompletedData } from '@app/contracts';
import { APP_NAME, MESSAGE_BUS, MessageBus } from '@app/messaging';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CHECK_RESULTS_REPOSITORY, CheckResultsRepository, Completion } from './check-results.repository';

const MAX_BATCH = 500;
const FLUSH_MS = 20;

/**
 * Records finished checks in batches (one transaction for many checks keeps the database and this process cool
 * at thousands of checks per minute), then publishes `health.check.completed` for each; status changes leave
 * through the outbox written in the same transaction.
 */
@Injectable()
export class ResultWriter {
  private readonly logger = new Logger(ResultWriter.name);
  private pending: Array<{ c: Completion; done: () => void }> = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private runner = 'unknown';

  constructor(
    @Inject(CHECK_RESULTS_REPOSITORY) private readonly repo: CheckResultsRepository,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(APP_NAME) private readonly app: string,
  ) {}

  setRunner(runner: string): void {
    this.runner = runner;
  }

  /** Resolves once the completion is recorded (or dropped because its lease was lost or the write failed). */
  submit(c: Completion): Promise<void> {
    return new Promise((done) => {
      this.pending.push({ c, done });
      if (this.pending.length >= MAX_BATCH) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
    });
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0);
    if (!batch.length) return this.flushing;
    this.flushing = this.flushing.then(() => this.write(batch));
    return this.flushing;
  }

  private async write(batch: Array<{ c: Completion; done: () => void }>): Promise<void> {
    try {
      const recorded = await this.repo.record(batch.map((b) => b.c), this.runner);
      if (recorded.length < batch.length) this.logger.warn(`${batch.length - recorded.length} check result(s) dropped: their lease had expired and another replica took them over`);
      // Fire and forget: the history is the record; the event is a notification (see docs/health.md).
      void Promise.all(recorded.map((c) => this.publishCompleted(c)));
    } catch (e) {
      // The leases stay: the checks become due again when they expire, and are re-run then.
      this.logger.error(`could not record ${batch.length} check result(s): ${(e as Error).message}`);
    } finally {
      batch.forEach((b) => b.done());
    }
  }

  private async publishCompleted(c: Completion): Promise<void> {
    const data: HealthCheckCompletedData = {
      integration_id: c.integrationId,
      healthy: c.outcome === 'SUCCESS',
      method: c.method ?? 'endpoint',
      latency_ms: c.latencyMs ?? 0,
      status_code: c.statusCode,
      error: c.error,
      checked_at: c.checkedAt.toISOString(),
      outcome: c.outcome,
      status: c.state.status,
      due_at: c.dueAt.toISOString(),
    };
    try {
      const event = domainEvent(EventSubjects.HealthCheckCompleted, data, c.integrationId, `health-check:${c.integrationId}:${c.dueAt.getTime()}`);
      // Straight to the bus, without EventPublisher's correlation id: a batch's flush runs in whichever check's context queued it first.
      await this.bus.publish(createCloudEvent({ ...event, source: `/aws-mcp-server/${this.app}` }));
    } catch (e) {
      this.logger.warn(`could not publish health.check.completed for ${c.integrationId}: ${(e as Error).message}`);
    }
  }
}
