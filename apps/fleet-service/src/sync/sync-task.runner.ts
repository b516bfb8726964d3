import { APP_CONFIG, AppConfig } from '@app/config';
import { SyncTaskStatus } from '@app/contracts';
import { DEFAULT_RETRY, withRetry } from '@app/retry';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AccountAccessService } from '../accounts/account-access.service';
import { accountRef } from '../accounts/account.mapper';
import { AccountCredentials, awsErrorMessage, type CollectedResource } from '../inventory';
import { isGone } from '../resources/resource-changes';
import { RESOURCES_REPOSITORY, ResourcesRepository } from '../resources/resources.repository';
import { removedEvents, resourceEvents } from './sync-events';
import { stopMessage, SyncDatabaseError, syncWrite } from './sync-leases';
import type { TaskPlan } from './sync.planner';
import { SyncTaskEntity } from './sync-task.entity';
import { SYNC_REPOSITORY, SyncRepository } from './sync.repository';
import { isTransientAwsError } from './transient-aws-error';

interface Counts {
  seen: number;
  discovered: number;
  changed: number;
  removed: number;
}

/** Who runs the task (the run's lease owner) and the account's periodic-sync lease token it holds (null: none). */
export interface LeaseHolder {
  owner: string;
  leaseToken: () => string | null;
}

/**
 * Runs one planned task: streams its collectors into multi-row upserts of `fleet.sync_batch_size`, each writing
 * its discovered/changed events to the outbox in the same transaction (the relay publishes them), and, only when
 * every collector succeeded, marks what it no longer saw as removed, with its removed events. `signal` stops it at
 * the collector's next page; a database that went away stops it with a SyncDatabaseError (the run ends FAILED).
 */
@Injectable()
export class SyncTaskRunner {
  private readonly logger = new Logger(SyncTaskRunner.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RESOURCES_REPOSITORY) private readonly resources: ResourcesRepository,
    @Inject(SYNC_REPOSITORY) private readonly syncs: SyncRepository,
    private readonly credentials: AccountCredentials,
    private readonly access: AccountAccessService,
  ) {}

  async run(syncId: string, plan: TaskPlan, signal: AbortSignal, holder: LeaseHolder): Promise<void> {
    const { row, account } = plan;
    const started = new Date();
    if (signal.aborted) {
      await this.finish(row, started, { seen: 0, discovered: 0, changed: 0, removed: 0 }, stopMessage(signal.reason));
      return;
    }
    row.status = SyncTaskStatus.Running;
    row.started_at = started;
    await syncWrite(() => this.syncs.updateTask(row.id, { status: row.status, started_at: started }));
    const counts: Counts = { seen: 0, discovered: 0, changed: 0, removed: 0 };
    const errors: string[] = [];
    const batchSize = this.config.fleet.sync_batch_size;
    const ctx = {
      accountId: account.account_id,
      credentials: this.credentials.forAccount(accountRef(account), this.access.homeRegion),
      endpoint: this.credentials.endpoint,
      maxAttempts: this.config.fleet.aws_max_attempts,
      region: plan.region,
    };
    const retry = { ...DEFAULT_RETRY, max_attempts: this.config.fleet.collector_max_attempts };
    let buffer: CollectedResource[] = [];
    const flush = async () => {
      if (!buffer.length || signal.aborted) return;
      const batch = buffer;
      buffer = [];
      await syncWrite(() => this.ingest(batch, started, syncId, counts));
    };
    try {
      for (const collector of plan.collectors) {
        if (signal.aborted) break;
        try {
          // Throttling: the SDK retries each call (standard mode, fleet.aws_max_attempts); if it still fails, the whole
          // collector runs again under our policy. Rows already upserted are unchanged the second time: no duplicate events.
          await withRetry(
            async () => {
              for await (const r of collector.collect(ctx)) {
                if (signal.aborted) return; // stopped: the page in hand is dropped, nothing after it is written
                if (isGone(r)) continue;
                buffer.push(r);
                if (buffer.length >= batchSize) await flush();
              }
            },
            retry,
            { shouldRetry: (e) => !(e instanceof SyncDatabaseError) && isTransientAwsError(e), onRetry: ({ attempt, error }) => this.logger.warn(`${collector.type} in ${account.account_id}/${plan.region}: attempt ${attempt} failed (${awsErrorMessage(error)}); retrying`) },
          );
        } catch (e) {
          if (e instanceof SyncDatabaseError) throw e; // not the collector's failure: the task stops here
          errors.push(`${collector.type}: ${awsErrorMessage(e)}`);
        }
      }
      await flush();
      if (signal.aborted) errors.unshift(stopMessage(signal.reason));
      // A task that failed anywhere removes nothing: a resource it did not see may simply not have been listed.
      if (!errors.length) {
        const fence = { syncId, owner: holder.owner, leaseToken: holder.leaseToken() };
        const removedAt = new Date();
        const removed = await syncWrite(() => this.resources.markRemoved({ accountId: account.account_id, region: plan.scopeRegion, types: plan.collectors.map((c) => c.type) }, started, removedAt, fence, (rows) =>
          removedEvents(rows, removedAt, syncId),
        ));
        // Lost between the last heartbeat and now: the fence in the statement caught it.
        if (removed === null) errors.push(stopMessage(fence.leaseToken ? 'lease-lost' : 'ended'));
        else counts.removed += removed.length;
      }
    } catch (e) {
      if (e instanceof SyncDatabaseError) {
        // Recorded now if the database is back already; otherwise the run's end records it (endWithFailure).
        await this.finish(row, started, counts, e.message).catch(() => undefined);
        throw e;
      }
      errors.push(awsErrorMessage(e));
    }
    await this.finish(row, started, counts, errors.length ? errors.join('; ').slice(0, 4000) : null);
  }

  private async finish(row: SyncTaskEntity, started: Date, counts: Counts, error: string | null): Promise<void> {
    const finished = new Date();
    Object.assign(row, {
      status: error ? SyncTaskStatus.Failed : SyncTaskStatus.Succeeded,
      resources_seen: counts.seen,
      discovered: counts.discovered,
      changed: counts.changed,
      removed: counts.removed,
      duration_ms: finished.getTime() - started.getTime(),
      error,
      started_at: row.started_at ?? started,
      finished_at: finished,
    });
    if (error) this.logger.warn(`sync task ${row.account_id}/${row.region} failed: ${error}`);
    const { id: _id, sync_id: _s, seq: _q, account_id: _a, region: _r, types: _t, ...patch } = row;
    // False when the run was ended meanwhile (its lease expired): its tasks' outcome is already recorded.
    if (!(await syncWrite(() => this.syncs.updateTask(row.id, patch)))) this.logger.warn(`sync task ${row.account_id}/${row.region} of ${row.sync_id} had been ended elsewhere; its outcome here is dropped`);
  }

  /** One multi-row upsert, with the events of what is new or changed in the same transaction. */
  private async ingest(batch: CollectedResource[], seenAt: Date, syncId: string, counts: Counts): Promise<void> {
    const byArn = new Map<string, CollectedResource>();
    for (const r of batch) byArn.set(r.arn, r);
    counts.seen += byArn.size;
    const made = { discovered: 0, changed: 0 };
    await this.resources.upsertBatch([...byArn.values()], seenAt, syncId, (changes) => resourceEvents(changes, byArn, syncId, made));
    // Counted once committed: a batch that failed reported nothing.
    counts.discovered += made.discovered;
    counts.changed += made.changed;
  }
}
