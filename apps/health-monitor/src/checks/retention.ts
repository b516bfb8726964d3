import { APP_CONFIG, AppConfig } from '@app/config';
import { runAsNewWork } from '@app/observability';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CHECK_RESULTS_REPOSITORY, CheckResultsRepository } from './check-results.repository';

const EVERY_MS = 3600_000;
const FIRST_AFTER_MS = 60_000;
const BATCH = 10_000;

/** Deletes check results (and tombstones of deleted integrations) older than `health.history_retention_days`. */
@Injectable()
export class HistoryRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HistoryRetention.name);
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CHECK_RESULTS_REPOSITORY) private readonly repo: CheckResultsRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setTimeout(() => void runAsNewWork(() => this.loop()), FIRST_AFTER_MS);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async loop(): Promise<void> {
    await this.sweep().catch((e) => this.logger.warn(`history retention: ${(e as Error).message}`));
    if (this.stopped) return;
    this.timer = setTimeout(() => void runAsNewWork(() => this.loop()), EVERY_MS);
    this.timer.unref();
  }

  /** One sweep, in batches so that no statement holds many rows at once. Safe on several replicas at a time. */
  async sweep(now = new Date()): Promise<{ results: number; tombstones: number }> {
    const before = new Date(now.getTime() - this.config.health.history_retention_days * 86400_000);
    let results = 0;
    for (;;) {
      const n = await this.repo.deleteResultsBefore(before, BATCH);
      results += n;
      if (n < BATCH || this.stopped) break;
    }
    const tombstones = await this.repo.deleteTombstonesBefore(before);
    if (results || tombstones) this.logger.log(`history retention: deleted ${results} check result(s) and ${tombstones} tombstone(s) older than ${before.toISOString()}`);
    return { results, tombstones };
  }
}
