import { randomUUID } from 'node:crypto';
import { AppException, StartSyncRequest, SyncTaskStatus, unavailability } from '@app/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { AccountAccessService } from '../accounts/account-access.service';
import type { AccountEntity } from '../accounts/account.entity';
import { accountRef } from '../accounts/account.mapper';
import { ACCOUNTS_REPOSITORY, AccountsRepository } from '../accounts/accounts.repository';
import { AccountCredentials, awsErrorMessage, CollectorRegistry, GLOBAL_REGION, resolveRegions, type ResourceCollector } from '../inventory';
import { SyncDatabaseError, syncWrite } from './sync-leases';
import { SyncRunEntity } from './sync-run.entity';
import { SyncTaskEntity } from './sync-task.entity';
import { SYNC_REPOSITORY, SyncRepository } from './sync.repository';

/** One task of a run: its recorded row and what it runs where. */
export interface TaskPlan {
  row: SyncTaskEntity;
  account: AccountEntity;
  collectors: ResourceCollector[];
  /** Region the collectors run in (the home region for the global task). */
  region: string;
  /** Removal scope: the task's region, or null for the global task (global collectors place resources in any region). */
  scopeRegion: string | null;
}

/**
 * What a sync covers: the accounts a request names (or every enabled one), and per account its tasks, one per
 * account × region running the regional collectors plus one global task, recorded before they run.
 */
@Injectable()
export class SyncPlanner {
  constructor(
    @Inject(ACCOUNTS_REPOSITORY) private readonly accounts: AccountsRepository,
    @Inject(SYNC_REPOSITORY) private readonly syncs: SyncRepository,
    private readonly credentials: AccountCredentials,
    private readonly registry: CollectorRegistry,
    private readonly access: AccountAccessService,
  ) {}

  /** The accounts a request syncs; unknown resource types and accounts not registered are refused. */
  async accountsFor(req: StartSyncRequest): Promise<AccountEntity[]> {
    const unknownTypes = (req.types ?? []).filter((t) => !this.registry.get(t));
    if (unknownTypes.length) {
      const known = this.registry.list().map((c) => c.type).sort().join(', ');
      throw new AppException('VALIDATION_FAILED', `Unknown resource types: ${unknownTypes.join(', ')}`, { errors: [{ field: 'types', message: `unknown types ${unknownTypes.join(', ')}; known: ${known}` }] });
    }
    if (!req.account_ids) return (await this.accounts.list({ enabled: true }, { limit: 100_000 })).items;
    const ids = [...new Set(req.account_ids)];
    const accounts = (await this.accounts.list({ accountIds: ids }, { limit: ids.length })).items;
    const missing = ids.filter((id) => !accounts.some((a) => a.account_id === id));
    if (missing.length) throw new AppException('ACCOUNT_NOT_FOUND', `Accounts not registered: ${missing.join(', ')}`, { errors: [{ field: 'account_ids', message: `not registered: ${missing.join(', ')}` }] });
    return accounts;
  }

  /** Checks access and resolves regions; an account that cannot be reached gets failed tasks with AWS's message. */
  async plan(run: SyncRunEntity, account: AccountEntity, req: StartSyncRequest, nextSeq: () => number): Promise<TaskPlan[]> {
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
      await syncWrite(() => this.syncs.addTasks(rows));
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
    await syncWrite(() => this.syncs.addTasks(plans.map((p) => p.row)));
    return plans;
  }
}
