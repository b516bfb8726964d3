import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  AppException,
  DomainEvent,
  domainEvent,
  EventSubjects,
  StartSyncRequest,
  SyncStatus,
  SyncTaskStatus,
  SyncTrigger,
  unavailability,
} from '@app/contracts';
import { BackgroundLoop, RUNTIME_INFO, RuntimeInfo, settleWithin, shutdownWaitMs } from '@app/platform';
import { DEFAULT_RETRY, withRetry } from '@app/retry';
import { runAsNewWork } from '@app/observability';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AccountAccessService } from '../accounts/account-access.service';
import type { AccountEntity } from '../accounts/account.entity';
import { accountRef } from '../accounts/account.mapper';
import { ACCOUNTS_REPOSITORY, AccountsRepository } from '../accounts/accounts.repository';
import { AccountCredentials, awsErrorMessage, CollectorRegistry, GLOBAL_REGION, resolveRegions, type CollectedResource, type ResourceCollector } from '../inventory';
import { isGone } from '../resources/resource-changes';
import { RESOURCES_REPOSITORY, ResourcesRepository } from '../resources/resources.repository';
import { Limiter } from './limiter';
import { removedEvents, resourceEvents, syncCompletedData } from './sync-events';
import { isTransientAwsError } from './transient-aws-error';
import { stopMessage, SYNC_INTERRUPTED, SyncDatabaseError, SyncLeases } from './sync-leases';
import { SyncRunEntity } from './sync-run.entity';
import { SyncTaskEntity } from './sync-task.entity';
import { RunsToEnd, SYNC_REPOSITORY, SyncRepository } from './sync.repository';

/** Share of the shutdown grace spent waiting for stopping tasks (5 s of the default 10 s): the sweep of the rest follows. */
const SHUTDOWN_SHARE = 0.5;

interface TaskPlan {
  row: SyncTaskEntity;
  account: AccountEntity;
  collectors: ResourceCollector[];
  /** Region the collectors run in (the home region for the global task). */
  region: string;
  /** Removal scope: the task's region, or null for the global task (global collectors place resources in any region). */
  scopeRegion: string | null;
}

/**
 * What a run learns while it runs: why it could not be carried out (its database went away, or something broke).
 * Set once, by the first failure; the run then ends FAILED with it as `status_reason`.
 */
interface RunState {
  failure?: string;
}

interface Counts {
  seen: number;
  discovered: number;
  changed: number;
  removed: number;
}

/**
 * The sync engine. A run is planned per account (access check, regions resolved) into tasks: one per
 * account × region running the regional collectors, plus one global task per account. Tasks run with
 * bounded concurrency (`fleet.sync_concurrency`, shared by every run of this instance); each streams its
 * collectors into multi-row upserts of `fleet.sync_batch_size`, each writing its discovered/changed events to the
 * outbox in the same transaction (the relay publishes them), and, only when every collector succeeded, marks what
 * it no longer saw as removed, with its removed events.
 *
 * Leases (`fleet.lease_seconds`, renewed every quarter of it): each run has one, and a periodic sync also holds
 * each account's. A task whose account lease was taken over stops and removes nothing (the removal is fenced in
 * the database too). A run whose lease expired (its instance died) is ended FAILED "interrupted" by any instance's
 * sweep, at start and with every heartbeat; when this is the only instance (RuntimeInfo.singleInstance), at start every
 * RUNNING run is such an orphan.
 */
@Injectable()
export class SyncRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SyncRunner.name);
  private readonly limiter: Limiter;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly leases: SyncLeases;
  private readonly heartbeatLoop: BackgroundLoop;
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ACCOUNTS_REPOSITORY) private readonly accounts: AccountsRepository,
    @Inject(RESOURCES_REPOSITORY) private readonly resources: ResourcesRepository,
    @Inject(SYNC_REPOSITORY) private readonly syncs: SyncRepository,
    @Inject(RUNTIME_INFO) private readonly info: RuntimeInfo,
    private readonly credentials: AccountCredentials,
    private readonly registry: CollectorRegistry,
    private readonly access: AccountAccessService,
  ) {
    this.limiter = new Limiter(config.fleet.sync_concurrency);
    const lease = config.fleet.lease_seconds;
    this.heartbeatLoop = new BackgroundLoop({ name: 'sync heartbeat', everyMs: (lease * 1000) / 4, logger: this.logger }, () => this.heartbeat());
    this.leases = new SyncLeases(
      { renewRuns: (ids) => this.syncs.renewRuns(this.owner, ids, lease), renewAccounts: (tokens) => this.accounts.renewLeases(tokens, lease) },
      (runId, accountId, reason) => reason !== 'shutdown' && this.logger.warn(`sync ${runId}: stopping the tasks of ${accountId}: ${stopMessage(reason)}`),
    );
  }

  /** Who holds this instance's leases (runs and accounts). */
  get owner(): string {
    return `fleet-${this.info.instanceId}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    await runAsNewWork(() => this.sweep(!this.info.singleInstance)).catch((e) => this.logger.error(`could not end interrupted syncs: ${(e as Error).message}`));
    this.heartbeatLoop.start();
  }

  /** Renews this instance's leases, then ends the runs of instances that are gone. */
  async heartbeat(): Promise<void> {
    try {
      await this.leases.renew();
      await this.sweep(true);
    } catch (e) {
      this.logger.warn(`sync heartbeat failed: ${(e as Error).message}`);
    }
  }

  /**
   * Validates and records a run, then executes it in the background; `done` settles when every task has.
   * `leases` maps the accounts of a periodic sync to their lease tokens (from AccountsRepository.claimDue).
   */
  async start(req: StartSyncRequest, trigger: SyncTrigger, leases: ReadonlyMap<string, string> = new Map()): Promise<{ run: SyncRunEntity; done: Promise<void> }> {
    if (this.stopping) throw new AppException('SERVICE_UNAVAILABLE', 'fleet-service is shutting down', { retryAfterSeconds: 5 });
    const unknownTypes = (req.types ?? []).filter((t) => !this.registry.get(t));
    if (unknownTypes.length) {
      const known = this.registry.list().map((c) => c.type).sort().join(', ');
      throw new AppException('VALIDATION_FAILED', `Unknown resource types: ${unknownTypes.join(', ')}`, { errors: [{ field: 'types', message: `unknown types ${unknownTypes.join(', ')}; known: ${known}` }] });
    }
    let accounts: AccountEntity[];
    if (req.account_ids) {
      const ids = [...new Set(req.account_ids)];
      accounts = (await this.accounts.list({ accountIds: ids }, { limit: ids.length })).items;
      const missing = ids.filter((id) => !accounts.some((a) => a.account_id === id));
      if (missing.length) throw new AppException('ACCOUNT_NOT_FOUND', `Accounts not registered: ${missing.join(', ')}`, { errors: [{ field: 'account_ids', message: `not registered: ${missing.join(', ')}` }] });
    } else {
      accounts = (await this.accounts.list({ enabled: true }, { limit: 100_000 })).items;
    }
    const run = Object.assign(new SyncRunEntity(), {
      id: randomUUID(),
      trigger,
      status: SyncStatus.Running,
      request: JSON.parse(JSON.stringify(req)) as Record<string, unknown>,
      started_at: new Date(),
      finished_at: null,
      status_reason: null,
      lease_owner: this.owner,
      lease_until: null,
    });
    await this.syncs.createRun(run, this.config.fleet.lease_seconds);
    this.leases.track(run.id, accounts.map((a) => ({ accountId: a.account_id, token: leases.get(a.account_id) ?? null })));
    if (this.stopping) this.leases.stopAll('shutdown'); // shutdown began while the run was being recorded
    const done = this.execute(run, accounts, req)
      .catch((e) => this.logger.error(`sync ${run.id} failed: ${(e as Error).stack ?? e}`))
      .finally(() => this.leases.untrack(run.id));
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    return { run, done };
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.heartbeatLoop.stop();
    // Tasks not yet started end at once; running ones stop at their collector's next page and remove nothing.
    this.leases.stopAll('shutdown');
    await settleWithin(this.inFlight, shutdownWaitMs(this.config.server.shutdown_grace_ms, SHUTDOWN_SHARE));
    // A task still waiting on AWS cannot be stopped mid-call: its run is ended here rather than left to a sweep.
    const running = this.leases.runIds();
    if (running.length) await this.sweep(false, running).catch((e) => this.logger.error(`could not end interrupted syncs: ${(e as Error).message}`));
  }

  /**
   * Ends RUNNING runs FAILED "interrupted", with their fleet.sync.completed: those whose lease expired
   * (`expiredOnly`), or every one not running here (a single instance: no other exists), or `ids`.
   */
  private async sweep(expiredOnly: boolean, ids?: string[]): Promise<void> {
    const which: RunsToEnd = ids ? { ids, expiredOnly: false, exclude: [] } : { expiredOnly, exclude: this.leases.runIds() };
    const ended = await this.syncs.endRuns(which, SYNC_INTERRUPTED, (runs) => runs.map(({ run, tasks }) => this.completed(run, tasks, SyncStatus.Failed, run.finished_at ?? new Date(), SYNC_INTERRUPTED)));
    for (const { run } of ended) this.logger.warn(`sync ${run.id} was interrupted (${ids ? 'this instance is stopping' : `its instance ${run.lease_owner ?? 'unknown'} is gone`})`);
  }

  private async execute(run: SyncRunEntity, accounts: AccountEntity[], req: StartSyncRequest): Promise<void> {
    const state: RunState = {};
    let seq = 0;
    const nextSeq = () => seq++;
    let interrupted = false;
    await Promise.all(
      accounts.map(async (account) => {
        const signal = this.leases.signal(run.id, account.account_id);
        const plans = await this.limiter.run(() => this.plan(run, account, req, nextSeq)).catch((e: unknown) => this.failed(state, e, []));
        await Promise.all(
          plans.map((p) =>
            this.limiter.run(async () => {
              await this.runTask(run, p, signal).catch((e: unknown) => this.failed(state, e, undefined));
              if (signal.reason === 'shutdown') interrupted = true;
            }),
          ),
        );
      }),
    );
    if (!state.failure) {
      try {
        const all = (await this.syncs.findRun(run.id))?.tasks ?? [];
        const failed = all.filter((t) => t.status === SyncTaskStatus.Failed).length;
        // An interrupted run is FAILED whatever its tasks did, as a run ended by a sweep is.
        const status = interrupted ? SyncStatus.Failed : failed === 0 ? SyncStatus.Succeeded : failed === all.length ? SyncStatus.Failed : SyncStatus.Partial;
        const reason = interrupted ? SYNC_INTERRUPTED : null;
        const finishedAt = new Date();
        if (!(await this.syncs.finishRun(run.id, status, finishedAt, reason, [this.completed(run, all, status, finishedAt, reason)]))) {
          this.logger.warn(`sync ${run.id} had already been ended elsewhere (its lease expired); its outcome here is dropped`);
          return;
        }
        await this.accounts.markSynced([...new Set(all.filter((t) => t.status === SyncTaskStatus.Succeeded).map((t) => t.account_id))]);
        return;
      } catch (e) {
        this.failed(state, e, undefined);
      }
    }
    await this.endWithFailure(run, state.failure!);
  }

  /** Records why the run cannot go on normally (the first reason wins) and returns `fallback`. */
  private failed<T>(state: RunState, e: unknown, fallback: T): T {
    const u = e instanceof SyncDatabaseError ? e : unavailability(e) ? new SyncDatabaseError(unavailability(e)!.reason) : undefined;
    if (!u) this.logger.error(`sync step failed: ${(e as Error)?.stack ?? String(e)}`);
    state.failure ??= u ? u.message : `failed: ${((e as Error)?.message ?? String(e)).slice(0, 500)}`;
    return fallback;
  }

  /**
   * Ends a run that could not finish normally FAILED with its reason, and its unfinished tasks with it, as soon as
   * the database takes the write: retried with backoff (0.5 s → 5 s) while the run stays tracked, so this instance's
   * heartbeat keeps its lease and no other instance ends it "interrupted" meanwhile.
   */
  private async endWithFailure(run: SyncRunEntity, reason: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const ended = await this.syncs.endRuns({ ids: [run.id], expiredOnly: false, exclude: [] }, reason, (runs) =>
          runs.map(({ run: r, tasks }) => this.completed(r, tasks, SyncStatus.Failed, r.finished_at ?? new Date(), reason)),
        );
        if (!ended.length) this.logger.warn(`sync ${run.id} had already been ended elsewhere; its failure here (${reason}) is dropped`);
        return;
      } catch (e) {
        if (this.stopping) return; // the shutdown ends this instance's runs (onModuleDestroy)
        if (attempt === 1) this.logger.warn(`sync ${run.id} failed (${reason}) and cannot be recorded yet (${(e as Error).message}); retrying until the database answers`);
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** Math.min(attempt, 5))).unref());
      }
    }
  }

  /** Runs `work` (a write of the sync); a database that cannot be reached becomes a SyncDatabaseError. */
  private async db<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      const u = e instanceof SyncDatabaseError ? undefined : unavailability(e);
      throw u ? new SyncDatabaseError(u.reason) : e;
    }
  }

  /** A run's outcome, logged, as the fleet.sync.completed event (with the totals of its tasks) that ends it. */
  private completed(run: SyncRunEntity, all: SyncTaskEntity[], status: SyncStatus, finishedAt: Date, reason: string | null): DomainEvent<typeof EventSubjects.FleetSyncCompleted> {
    const data = syncCompletedData(run, all, status, finishedAt, reason);
    this.logger.log(`sync ${run.id} ${status}: ${all.length} tasks (${data.tasks_failed} failed), ${data.resources_seen} resources, +${data.discovered} ~${data.changed} -${data.removed} in ${finishedAt.getTime() - run.started_at.getTime()} ms${reason ? ` (${reason})` : ''}`);
    return domainEvent(EventSubjects.FleetSyncCompleted, data, run.id);
  }

  /** Checks access and resolves regions; an account that cannot be reached gets failed tasks with AWS's message. */
  private async plan(run: SyncRunEntity, account: AccountEntity, req: StartSyncRequest, nextSeq: () => number): Promise<TaskPlan[]> {
    const home = this.access.homeRegion;
    const types = req.types;
    const regional = this.registry.list({ global: false, types });
    const global = req.regions ? [] : this.registry.list({ global: true, types });
    const task = (region: string, collectors: ResourceCollector[]): SyncTaskEntity =>
      Object.assign(new SyncTaskEntity(), {
        id: randomUUID(),
        sync_id: run.id,
        seq: nextSeq(),
        account_id: account.account_id,
        region,
        types: collectors.map((c) => c.type),
        status: SyncTaskStatus.Pending,
        resources_seen: 0,
        discovered: 0,
        changed: 0,
        removed: 0,
        duration_ms: null,
        error: null,
        started_at: null,
        finished_at: null,
      });
    const failAll = async (regions: string[], error: string): Promise<TaskPlan[]> => {
      const now = new Date();
      const rows = [...regions.map((r) => task(r, regional)), ...(global.length ? [task(GLOBAL_REGION, global)] : [])].map((t) =>
        Object.assign(t, { status: SyncTaskStatus.Failed, error, duration_ms: 0, started_at: now, finished_at: now }),
      );
      await this.db(() => this.syncs.addTasks(rows));
      return [];
    };

    const access = await this.access.check(account).catch((e: Error) => {
      const u = unavailability(e);
      if (u) throw new SyncDatabaseError(u.reason); // the check records the account's status: our database, not AWS, failed
      return { ok: false as const, error: e.message };
    });
    const explicit = account.regions.includes('*') ? ['*'] : account.regions.filter((r) => !req.regions || req.regions.includes(r));
    if (!access.ok) return failAll(explicit, access.error ?? 'cannot act in the account');

    let regions: string[];
    try {
      regions = await resolveRegions(account.regions, { credentials: this.credentials.forAccount(accountRef(account), home), region: home, endpoint: this.credentials.endpoint });
    } catch (e) {
      return failAll(explicit, `DescribeRegions failed: ${awsErrorMessage(e)}`);
    }
    if (req.regions) regions = regions.filter((r) => req.regions!.includes(r));
    const plans: TaskPlan[] = [];
    if (regional.length) for (const region of regions) plans.push({ row: task(region, regional), account, collectors: regional, region, scopeRegion: region });
    if (global.length) plans.push({ row: task(GLOBAL_REGION, global), account, collectors: global, region: home, scopeRegion: null });
    await this.db(() => this.syncs.addTasks(plans.map((p) => p.row)));
    return plans;
  }

  private async runTask(run: SyncRunEntity, plan: TaskPlan, signal: AbortSignal): Promise<void> {
    const { row, account } = plan;
    const started = new Date();
    if (signal.aborted) {
      await this.finishTask(row, started, { seen: 0, discovered: 0, changed: 0, removed: 0 }, stopMessage(signal.reason));
      return;
    }
    row.status = SyncTaskStatus.Running;
    row.started_at = started;
    await this.db(() => this.syncs.updateTask(row.id, { status: row.status, started_at: started }));
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
      await this.db(() => this.ingest(batch, started, run.id, counts));
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
        const fence = { syncId: run.id, owner: this.owner, leaseToken: this.leases.token(run.id, account.account_id) };
        const removedAt = new Date();
        const removed = await this.db(() => this.resources.markRemoved({ accountId: account.account_id, region: plan.scopeRegion, types: plan.collectors.map((c) => c.type) }, started, removedAt, fence, (rows) =>
          removedEvents(rows, removedAt, run.id),
        ));
        // Lost between the last heartbeat and now: the fence in the statement caught it.
        if (removed === null) errors.push(stopMessage(fence.leaseToken ? 'lease-lost' : 'ended'));
        else counts.removed += removed.length;
      }
    } catch (e) {
      if (e instanceof SyncDatabaseError) {
        // Recorded now if the database is back already; otherwise the run's end records it (endWithFailure).
        await this.finishTask(row, started, counts, e.message).catch(() => undefined);
        throw e;
      }
      errors.push(awsErrorMessage(e));
    }
    await this.finishTask(row, started, counts, errors.length ? errors.join('; ').slice(0, 4000) : null);
  }

  private async finishTask(row: SyncTaskEntity, started: Date, counts: Counts, error: string | null): Promise<void> {
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
    if (!(await this.db(() => this.syncs.updateTask(row.id, patch)))) this.logger.warn(`sync task ${row.account_id}/${row.region} of ${row.sync_id} had been ended elsewhere; its outcome here is dropped`);
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
