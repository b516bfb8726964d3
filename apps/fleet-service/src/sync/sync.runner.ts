import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppException, DomainEvent, domainEvent, EventSubjects, StartSyncRequest, SyncStatus, SyncTaskStatus, SyncTrigger, unavailability } from '@app/contracts';
import { BackgroundLoop, RUNTIME_INFO, RuntimeInfo, settleWithin, shutdownWaitMs } from '@app/platform';
import { runAsNewWork } from '@app/observability';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { AccountEntity } from '../accounts/account.entity';
import { ACCOUNTS_REPOSITORY, AccountsRepository } from '../accounts/accounts.repository';
import { Limiter } from './limiter';
import { syncCompletedData } from './sync-events';
import { stopMessage, SYNC_INTERRUPTED, SyncDatabaseError, SyncLeases } from './sync-leases';
import { SyncPlanner } from './sync.planner';
import { SyncRunEntity } from './sync-run.entity';
import { SyncTaskEntity } from './sync-task.entity';
import { SyncTaskRunner } from './sync-task.runner';
import { RunsToEnd, SYNC_REPOSITORY, SyncRepository } from './sync.repository';

/** Share of the shutdown grace spent waiting for stopping tasks (5 s of the default 10 s): the sweep of the rest follows. */
const SHUTDOWN_SHARE = 0.5;

/**
 * What a run learns while it runs: why it could not be carried out (its database went away, or something broke).
 * Set once, by the first failure; the run then ends FAILED with it as `status_reason`.
 */
interface RunState {
  failure?: string;
}

/**
 * The sync engine's lifecycle. A run is planned per account (SyncPlanner: access check, regions resolved) into
 * tasks: one per account × region running the regional collectors, plus one global task per account. Tasks run
 * (SyncTaskRunner) with bounded concurrency (`fleet.sync_concurrency`, shared by every run of this instance); the
 * run ends with the totals of its tasks.
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
    @Inject(SYNC_REPOSITORY) private readonly syncs: SyncRepository,
    @Inject(RUNTIME_INFO) private readonly info: RuntimeInfo,
    private readonly planner: SyncPlanner,
    private readonly tasks: SyncTaskRunner,
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
    const accounts = await this.planner.accountsFor(req);
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
        const plans = await this.limiter.run(() => this.planner.plan(run, account, req, nextSeq)).catch((e: unknown) => this.failed(state, e, []));
        await Promise.all(
          plans.map((p) =>
            this.limiter.run(async () => {
              await this.tasks.run(run.id, p, signal, { owner: this.owner, leaseToken: () => this.leases.token(run.id, account.account_id) }).catch((e: unknown) => this.failed(state, e, undefined));
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

  /** A run's outcome, logged, as the fleet.sync.completed event (with the totals of its tasks) that ends it. */
  private completed(run: SyncRunEntity, all: SyncTaskEntity[], status: SyncStatus, finishedAt: Date, reason: string | null): DomainEvent<typeof EventSubjects.FleetSyncCompleted> {
    const data = syncCompletedData(run, all, status, finishedAt, reason);
    this.logger.log(`sync ${run.id} ${status}: ${all.length} tasks (${data.tasks_failed} failed), ${data.resources_seen} resources, +${data.discovered} ~${data.changed} -${data.removed} in ${finishedAt.getTime() - run.started_at.getTime()} ms${reason ? ` (${reason})` : ''}`);
    return domainEvent(EventSubjects.FleetSyncCompleted, data, run.id);
  }
}
