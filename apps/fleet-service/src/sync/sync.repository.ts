import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { SyncRunEntity } from './sync-run.entity';
import { SyncTaskEntity } from './sync-task.entity';

const runRow = (v: object) => v as QueryDeepPartialEntity<SyncRunEntity>;
const taskRow = (v: object) => v as QueryDeepPartialEntity<SyncTaskEntity>;

export interface SyncRepository {
  createRun(run: SyncRunEntity): Promise<void>;
  addTasks(tasks: SyncTaskEntity[]): Promise<void>;
  updateTask(id: string, patch: Partial<SyncTaskEntity>): Promise<void>;
  finishRun(id: string, status: string, finishedAt: Date): Promise<void>;
  findRun(id: string): Promise<{ run: SyncRunEntity; tasks: SyncTaskEntity[] } | null>;
}

export const SYNC_REPOSITORY = Symbol('SYNC_REPOSITORY');

@Injectable()
export class TypeOrmSyncRepository implements SyncRepository {
  private readonly runs: Repository<SyncRunEntity>;
  private readonly tasks: Repository<SyncTaskEntity>;

  constructor(@InjectDataSource() ds: DataSource) {
    this.runs = ds.getRepository(SyncRunEntity);
    this.tasks = ds.getRepository(SyncTaskEntity);
  }

  async createRun(run: SyncRunEntity): Promise<void> {
    await this.runs.insert(runRow(run));
  }

  async addTasks(tasks: SyncTaskEntity[]): Promise<void> {
    if (tasks.length) await this.tasks.insert(tasks.map(taskRow));
  }

  async updateTask(id: string, patch: Partial<SyncTaskEntity>): Promise<void> {
    await this.tasks.update({ id }, taskRow(patch));
  }

  async finishRun(id: string, status: string, finishedAt: Date): Promise<void> {
    await this.runs.update({ id }, runRow({ status, finished_at: finishedAt }));
  }

  async findRun(id: string): Promise<{ run: SyncRunEntity; tasks: SyncTaskEntity[] } | null> {
    const run = await this.runs.findOneBy({ id });
    if (!run) return null;
    const tasks = await this.tasks.find({ where: { sync_id: id }, order: { seq: 'ASC' } });
    return { run, tasks };
  }
}
