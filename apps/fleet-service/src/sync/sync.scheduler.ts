import { APP_CONFIG, AppConfig } from '@app/config';
import { SyncTrigger } from '@app/contracts';
import { BackgroundLoop } from '@app/platform';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ACCOUNTS_REPOSITORY, AccountsRepository } from '../accounts/accounts.repository';
import { SyncRunner } from './sync.runner';

/**
 * Periodic sync, safe with several fleet-service replicas. Every `fleet.scheduler_interval_seconds` each
 * instance claims due accounts with one statement (`UPDATE … WHERE account_id IN (SELECT … WHERE next_sync_at
 * <= now() AND lease expired … FOR UPDATE SKIP LOCKED)`): a row locked or leased by one replica is skipped by
 * the others, so each due account is synced by exactly one instance. The lease (`fleet.lease_seconds`, with a
 * token new at each claim) is renewed by the runner while the sync runs, so it outlives a crashed instance only
 * until it expires; on completion it is released and `next_sync_at` moves on by the account's
 * `sync_interval_minutes` (not when the sync was interrupted by a shutdown: the account stays due).
 */
@Injectable()
export class SyncScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SyncScheduler.name);
  private loop?: BackgroundLoop;
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
    // Each round is work no request started: its claims, the runs it starts and their events get an id of their own.
    this.loop = new BackgroundLoop({ name: 'periodic sync round', everyMs: seconds * 1000, logger: this.logger }, async () => void (await this.tick())).start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.loop?.stop();
  }

  /** One scheduling round; returns the accounts this instance claimed (for tests and logs). */
  async tick(): Promise<string[]> {
    if (this.ticking || this.stopped) return [];
    this.ticking = true;
    try {
      const claimed = await this.accounts.claimDue(this.runner.owner, this.config.fleet.sync_concurrency, this.config.fleet.lease_seconds);
      if (!claimed.length) return [];
      const ids = claimed.map((a) => a.account_id);
      const leases = new Map(claimed.map((a) => [a.account_id, a.lease_token!]));
      this.logger.log(`periodic sync of ${ids.join(', ')}`);
      // Fenced by the token: a lease another instance took over meanwhile is left alone.
      const release = async (reschedule: boolean) => {
        for (const [id, token] of leases) await this.accounts.completeScheduled(id, token, reschedule).catch((e) => this.logger.error(`could not release ${id}: ${(e as Error).message}`));
      };
      const started = await this.runner.start({ account_ids: ids }, SyncTrigger.Schedule, leases).catch(async (e: unknown) => {
        await release(false); // not started: due again for any instance, not held until the lease expires
        throw e;
      });
      void started.done.finally(() => release(!this.runner.isStopping));
      return ids;
    } catch (e) {
      this.logger.error(`periodic sync round failed: ${(e as Error).message}`);
      return [];
    } finally {
      this.ticking = false;
    }
  }
}
