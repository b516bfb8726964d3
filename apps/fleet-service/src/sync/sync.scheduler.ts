import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { SyncTrigger } from '@app/contracts';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ACCOUNTS_REPOSITORY, AccountsRepository } from '../accounts/accounts.repository';
import { SyncRunner } from './sync.runner';

/**
 * Periodic sync, safe with several fleet-service replicas. Every `fleet.scheduler_interval_seconds` each
 * instance claims due accounts with one statement (`UPDATE … WHERE account_id IN (SELECT … WHERE next_sync_at
 * <= now() AND lease expired … FOR UPDATE SKIP LOCKED)`): a row locked or leased by one replica is skipped by
 * the others, so each due account is synced by exactly one instance. The lease (`fleet.lease_seconds`) outlives
 * a crashed instance only until it expires; on completion the lease is released and `next_sync_at` moves on by
 * the account's `sync_interval_minutes`.
 */
@Injectable()
export class SyncScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SyncScheduler.name);
  private readonly owner = `fleet-${randomUUID()}`;
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ACCOUNTS_REPOSITORY) private readonly accounts: AccountsRepository,
    private readonly runner: SyncRunner,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.fleet.scheduler_interval_seconds;
    if (seconds <= 0) return this.logger.log('periodic sync is off (fleet.scheduler_interval_seconds = 0)');
    this.timer = setInterval(() => void this.tick(), seconds * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** One scheduling round; returns the accounts this instance claimed (for tests and logs). */
  async tick(): Promise<string[]> {
    if (this.ticking || this.stopped) return [];
    this.ticking = true;
    try {
      const claimed = await this.accounts.claimDue(this.owner, this.config.fleet.sync_concurrency, this.config.fleet.lease_seconds);
      if (!claimed.length) return [];
      const ids = claimed.map((a) => a.account_id);
      this.logger.log(`periodic sync of ${ids.join(', ')}`);
      const { done } = await this.runner.start({ account_ids: ids }, SyncTrigger.Schedule);
      void done.finally(async () => {
        for (const id of ids) await this.accounts.completeScheduled(id, this.owner).catch((e) => this.logger.error(`could not release ${id}: ${(e as Error).message}`));
      });
      return ids;
    } catch (e) {
      this.logger.error(`periodic sync round failed: ${(e as Error).message}`);
      return [];
    } finally {
      this.ticking = false;
    }
  }
}
