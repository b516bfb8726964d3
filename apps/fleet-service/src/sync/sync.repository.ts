import { SyncStatus, SyncTaskStatus } from '@app/contracts';
import { Outbox, OutboxEvent } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { pgRows } from '../accounts/accounts.repository';
import { SyncRunEntity } from './sync-run.entity';
import { SyncTaskEntity } from './sync-task.entity';

const runRow = (v: object) => v as QueryDeepPartialEntity<SyncRunEntity>;
const taskRow = (v: object) => v as QueryDeepPartialEntity<SyncTaskEntity>;
const UNFINISHED = [SyncTaskStatus.Pending, SyncTaskStatus.Running];

/** Which RUNNING runs `endRuns` ends. */
export interface RunsToEnd {
  /** Only these runs (an instance ending its own at shutdown); absent: any. */
  ids?: string[];
  /** Only runs whose lease has expired (their instance is gone); false ends them whatever their lease. */
  expiredOnly: boolean;
  /** Never these (the caller's own live runs). */
  exclude: string[];
}

export interface RunWithTasks {
  run: SyncRunEntity;
  tasks: SyncTaskEntity[];
}

export interface SyncRepository {
  /** Records a RUNNING run leased to `run.lease_owner` for `leaseSeconds` (by the database clock). */
  createRun(run: SyncRunEntity, leaseSeconds: number): Promise<void>;
  addTasks(tasks: SyncTaskEntity[]): Promise<void>;
  /** Updates a task that has not ended yet; false when it had (an ended run's tasks are final). */
  updateTask(id: string, patch: Partial<SyncTaskEntity>): Promise<boolean>;
  /** Ends a run still RUNNING, with the events that announce it; false when it had already been ended (by a sweep, after its lease expired). */
  finishRun(id: string, status: string, finishedAt: Date, reason: string | null, events: OutboxEvent[]): Promise<boolean>;
  /** Extends the leases of `owner`'s runs that are still RUNNING; returns their ids (the others were ended elsewhere). */
  renewRuns(owner: string, ids: string[], leaseSeconds: number): Promise<string[]>;
  /**
   * Ends RUNNING runs FAILED with `reason`, and their unfinished tasks with it as the error, in one statement:
   * of two instances sweeping at once, each run is ended (and returned) by one. The events `events` makes of the
   * ended runs go to the outbox in the same transaction.
   */
  endRuns(which: RunsToEnd, reason: string, events: (ended: RunWithTasks[]) => OutboxEvent[]): Promise<RunWithTasks[]>;
  findRun(id: string): Promise<{ run: SyncRunEntity; tasks: SyncTaskEntity[] } | null>;
}

export const SYNC_REPOSITORY = Symbol('SYNC_REPOSITORY');

@Injectable()
export class TypeOrmSyncRepository implements SyncRepository {
  private readonly runs: Repository<SyncRunEntity>;
  private readonly tasks: Repository<SyncTaskEntity>;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly outbox: Outbox,
  ) {
    this.runs = ds.getRepository(SyncRunEntity);
    this.tasks = ds.getRepository(SyncTaskEntity);
  }

  async createRun(run: SyncRunEntity, leaseSeconds: number): Promise<void> {
    await this.runs.insert(runRow({ ...run, lease_until: () => `now() + make_interval(secs => ${Math.floor(leaseSeconds)})` }));
  }

  async addTasks(tasks: SyncTaskEntity[]): Promise<void> {
    if (tasks.length) await this.tasks.insert(tasks.map(taskRow));
  }

  async updateTask(id: string, patch: Partial<SyncTaskEntity>): Promise<boolean> {
    const result = await this.tasks.update({ id, status: In(UNFINISHED) }, taskRow(patch));
    return (result.affected ?? 0) > 0;
  }

  async finishRun(id: string, status: string, finishedAt: Date, reason: string | null, events: OutboxEvent[]): Promise<boolean> {
    return this.outbox.transaction(async (m, emit) => {
      const result = await m.getRepository(SyncRunEntity).update({ id, status: SyncStatus.Running }, runRow({ status, finished_at: finishedAt, status_reason: reason, lease_until: null }));
      if (!result.affected) return false;
      emit(...events);
      return true;
    });
  }

  async renewRuns(owner: string, ids: string[], leaseSeconds: number): Promise<string[]> {
    if (!ids.length) return [];
    const rows = await this.ds.query(
      `UPDATE "fleet"."sync_runs" SET lease_until = now() + make_interval(secs => $3)
        WHERE id = ANY($2::uuid[]) AND lease_owner = $1 AND status = 'RUNNING' RETURNING id`,
      [owner, ids, leaseSeconds],
    );
    return pgRows<{ id: string }>(rows).map((r) => r.id);
  }

  async endRuns(which: RunsToEnd, reason: string, events: (ended: RunWithTasks[]) => OutboxEvent[]): Promise<RunWithTasks[]> {
    return this.outbox.transaction(async (m, emit) => {
      const ended: RunWithTasks[] = [];
      for (const id of await this.endRunsIn(m, which, reason)) {
        const found = await this.findRunIn(m, id);
        if (found) ended.push(found);
      }
      emit(...events(ended));
      return ended;
    });
  }

  private async endRunsIn(m: EntityManager, which: RunsToEnd, reason: string): Promise<string[]> {
    const rows = await m.query(
      `WITH ended AS (
         UPDATE "fleet"."sync_runs" SET status = 'FAILED', status_reason = $1, finished_at = now(), lease_until = NULL
          WHERE status = 'RUNNING' AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[])) AND NOT (id = ANY($3::uuid[]))
            AND (NOT $4 OR lease_until IS NULL OR lease_until < now())
         RETURNING id
       ), tasks AS (
         UPDATE "fleet"."sync_tasks" SET status = 'FAILED', error = $1, finished_at = now(),
                duration_ms = (extract(epoch FROM now() - started_at) * 1000)::integer
          WHERE sync_id IN (SELECT id FROM ended) AND status IN ('PENDING', 'RUNNING')
       )
       SELECT id FROM ended`,
      [reason, which.ids ?? null, which.exclude, which.expiredOnly],
    );
    return pgRows<{ id: string }>(rows).map((r) => r.id);
  }

  findRun(id: string): Promise<RunWithTasks | null> {
    return this.findRunIn(this.ds.manager, id);
  }

  private async findRunIn(m: EntityManager, id: string): Promise<RunWithTasks | null> {
    const run = await m.getRepository(SyncRunEntity).findOneBy({ id });
    if (!run) return null;
    const tasks = await m.getRepository(SyncTaskEntity).find({ where: { sync_id: id }, order: { seq: 'ASC' } });
    return { run, tasks };
  }
}
