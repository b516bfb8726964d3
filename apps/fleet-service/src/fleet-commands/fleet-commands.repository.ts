import { CommandTargetStatus } from '@app/contracts';
import { Outbox, OutboxEvent, rowsOf } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { CommandJobEntity, CommandResultEntity } from './fleet-command.entity';

const asRow = <T>(v: object) => v as QueryDeepPartialEntity<T>;

export interface TargetCompletion {
  status: CommandTargetStatus;
  exit_code: number | null;
  duration_ms: number | null;
  error: string | null;
  stdout_preview: string;
  stderr_preview: string;
  preview_truncated: boolean;
  output_bytes: number;
  finished_at: Date;
  output: { stdout: string; stderr: string; truncated: boolean } | null;
}

export type StatusCounts = Partial<Record<CommandTargetStatus, number>>;

/** The port the fleet-command handlers and the runner depend on; changes take the events they cause (outbox). */
export interface FleetCommandsRepository {
  /** The job and its PENDING targets, all or nothing. */
  insertJob(job: CommandJobEntity, targets: Array<{ seq: number; account_id: string; region: string }>, events: OutboxEvent[]): Promise<void>;
  findJob(id: string): Promise<CommandJobEntity | null>;
  listJobs(filter: { status?: string }, page: { limit: number; before?: { createdAt: string; id: string } }): Promise<CommandJobEntity[]>;
  counts(jobIds: string[]): Promise<Map<string, StatusCounts>>;
  markStarted(jobId: string, seq: number, at: Date): Promise<void>;
  completeTarget(jobId: string, seq: number, c: TargetCompletion, events: OutboxEvent[]): Promise<void>;
  /** Ends every target still in one of `from` with `to` and `error`; returns how many. */
  endTargets(jobId: string, from: CommandTargetStatus[], to: CommandTargetStatus, error: string | null): Promise<number>;
  /** Ends a job still IN_PROGRESS (and writes `events` only then). */
  finishJob(jobId: string, status: string, reason: string | null, events: OutboxEvent[]): Promise<void>;
  listResults(jobId: string, filter: { status?: string }, page: { limit: number; afterSeq?: number }): Promise<{ items: CommandResultEntity[]; total: number }>;
  findResult(jobId: string, accountId: string, region: string): Promise<CommandResultEntity | null>;
  /** `length` characters of one stored stream from `offset` (characters), and the stream's length; null without output. */
  outputSlice(jobId: string, seq: number, stream: 'stdout' | 'stderr', offset: number, length: number): Promise<{ text: string; total: number; truncated: boolean } | null>;
  /** Records a cancel request on a running job; false when it is not running. */
  requestCancel(jobId: string, by: string): Promise<boolean>;
  /** Proves the owner is alive; returns the ids among them whose cancel was requested. */
  heartbeat(jobIds: string[]): Promise<string[]>;
  /** Running jobs: all of them, or only those whose owner has not been heard from for `staleSeconds`. */
  runningJobs(staleSeconds?: number): Promise<CommandJobEntity[]>;
}

export const FLEET_COMMANDS_REPOSITORY = Symbol('FLEET_COMMANDS_REPOSITORY');

@Injectable()
export class TypeOrmFleetCommandsRepository implements FleetCommandsRepository {
  private readonly jobs: Repository<CommandJobEntity>;
  private readonly results: Repository<CommandResultEntity>;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly outbox: Outbox,
  ) {
    this.jobs = ds.getRepository(CommandJobEntity);
    this.results = ds.getRepository(CommandResultEntity);
  }

  async insertJob(job: CommandJobEntity, targets: Array<{ seq: number; account_id: string; region: string }>, events: OutboxEvent[]): Promise<void> {
    await this.outbox.transaction(async (m, emit) => {
      await m.getRepository(CommandJobEntity).insert(asRow<CommandJobEntity>(job));
      for (let i = 0; i < targets.length; i += 1000) {
        const rows = targets.slice(i, i + 1000).map((t) => ({ job_id: job.id, seq: t.seq, account_id: t.account_id, region: t.region, status: CommandTargetStatus.Pending, stdout_preview: '', stderr_preview: '', preview_truncated: false, output_bytes: 0 }));
        await m.getRepository(CommandResultEntity).insert(asRow<CommandResultEntity>(rows));
      }
      emit(...events);
    });
  }

  findJob(id: string): Promise<CommandJobEntity | null> {
    return this.jobs.findOneBy({ id });
  }

  listJobs(filter: { status?: string }, page: { limit: number; before?: { createdAt: string; id: string } }): Promise<CommandJobEntity[]> {
    const qb = this.jobs.createQueryBuilder('j');
    if (filter.status) qb.andWhere('j.status = :status', { status: filter.status });
    if (page.before) qb.andWhere('(j.created_at, j.id) < (:cAt::timestamptz, :cId::uuid)', { cAt: page.before.createdAt, cId: page.before.id });
    return qb.orderBy('j.created_at', 'DESC').addOrderBy('j.id', 'DESC').take(page.limit).getMany();
  }

  async counts(jobIds: string[]): Promise<Map<string, StatusCounts>> {
    const out = new Map<string, StatusCounts>(jobIds.map((id) => [id, {}]));
    if (!jobIds.length) return out;
    const rows = rowsOf<{ job_id: string; status: CommandTargetStatus; n: string }>(
      await this.ds.query(`SELECT job_id, status, count(*) AS n FROM "fleet"."command_results" WHERE job_id = ANY($1::uuid[]) GROUP BY job_id, status`, [jobIds]),
    );
    for (const r of rows) out.get(r.job_id)![r.status] = Number(r.n);
    return out;
  }

  async markStarted(jobId: string, seq: number, at: Date): Promise<void> {
    await this.ds.query(`UPDATE "fleet"."command_results" SET status = $3, started_at = $4 WHERE job_id = $1 AND seq = $2 AND status = 'PENDING'`, [jobId, seq, CommandTargetStatus.InProgress, at]);
  }

  async completeTarget(jobId: string, seq: number, c: TargetCompletion, events: OutboxEvent[]): Promise<void> {
    await this.outbox.transaction(async (m, emit) => {
      if (c.output) {
        await m.query(
          `INSERT INTO "fleet"."command_outputs" (job_id, seq, stdout, stderr, truncated) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (job_id, seq) DO UPDATE SET stdout = EXCLUDED.stdout, stderr = EXCLUDED.stderr, truncated = EXCLUDED.truncated`,
          [jobId, seq, c.output.stdout, c.output.stderr, c.output.truncated],
        );
      }
      await m.query(
        `UPDATE "fleet"."command_results"
            SET status = $3, exit_code = $4, duration_ms = $5, error = $6, stdout_preview = $7, stderr_preview = $8,
                preview_truncated = $9, output_bytes = $10, finished_at = $11, started_at = COALESCE(started_at, $11)
          WHERE job_id = $1 AND seq = $2`,
        [jobId, seq, c.status, c.exit_code, c.duration_ms, c.error, c.stdout_preview, c.stderr_preview, c.preview_truncated, c.output_bytes, c.finished_at],
      );
      emit(...events);
    });
  }

  async endTargets(jobId: string, from: CommandTargetStatus[], to: CommandTargetStatus, error: string | null): Promise<number> {
    const rows = rowsOf<{ seq: number }>(
      await this.ds.query(
        `UPDATE "fleet"."command_results" SET status = $3, error = $4, finished_at = now() WHERE job_id = $1 AND status = ANY($2::varchar[]) RETURNING seq`,
        [jobId, from, to, error],
      ),
    );
    return rows.length;
  }

  async finishJob(jobId: string, status: string, reason: string | null, events: OutboxEvent[]): Promise<void> {
    await this.outbox.transaction(async (m, emit) => {
      const ended = rowsOf(
        await m.query(`UPDATE "fleet"."command_jobs" SET status = $2, status_reason = $3, finished_at = now() WHERE id = $1 AND status = 'IN_PROGRESS' RETURNING id`, [jobId, status, reason]),
      );
      if (ended.length) emit(...events);
    });
  }

  async listResults(jobId: string, filter: { status?: string }, page: { limit: number; afterSeq?: number }): Promise<{ items: CommandResultEntity[]; total: number }> {
    const qb = this.results.createQueryBuilder('r').where('r.job_id = :jobId', { jobId });
    if (filter.status) qb.andWhere('r.status = :status', { status: filter.status });
    const total = await qb.clone().getCount();
    if (page.afterSeq !== undefined) qb.andWhere('r.seq > :after', { after: page.afterSeq });
    const items = await qb.orderBy('r.seq', 'ASC').take(page.limit).getMany();
    return { items, total };
  }

  findResult(jobId: string, accountId: string, region: string): Promise<CommandResultEntity | null> {
    return this.results.findOneBy({ job_id: jobId, account_id: accountId, region });
  }

  async outputSlice(jobId: string, seq: number, stream: 'stdout' | 'stderr', offset: number, length: number): Promise<{ text: string; total: number; truncated: boolean } | null> {
    const column = stream === 'stdout' ? 'stdout' : 'stderr';
    const rows = rowsOf<{ text: string; total: number; truncated: boolean }>(
      await this.ds.query(`SELECT substr(${column}, $3 + 1, $4) AS text, length(${column}) AS total, truncated FROM "fleet"."command_outputs" WHERE job_id = $1 AND seq = $2`, [jobId, seq, offset, length]),
    );
    return rows[0] ? { text: rows[0].text, total: Number(rows[0].total), truncated: rows[0].truncated } : null;
  }

  async requestCancel(jobId: string, by: string): Promise<boolean> {
    const rows = rowsOf<{ id: string }>(
      await this.ds.query(
        `UPDATE "fleet"."command_jobs" SET cancel_requested_at = COALESCE(cancel_requested_at, now()), cancelled_by = COALESCE(cancelled_by, $2)
          WHERE id = $1 AND status = 'IN_PROGRESS' RETURNING id`,
        [jobId, by],
      ),
    );
    return rows.length > 0;
  }

  async heartbeat(jobIds: string[]): Promise<string[]> {
    if (!jobIds.length) return [];
    const rows = rowsOf<{ id: string; cancel_requested_at: Date | null }>(
      await this.ds.query(`UPDATE "fleet"."command_jobs" SET heartbeat_at = now() WHERE id = ANY($1::uuid[]) RETURNING id, cancel_requested_at`, [jobIds]),
    );
    return rows.filter((r) => r.cancel_requested_at).map((r) => r.id);
  }

  runningJobs(staleSeconds?: number): Promise<CommandJobEntity[]> {
    const qb = this.jobs.createQueryBuilder('j').where('j.status = :s', { s: 'IN_PROGRESS' });
    if (staleSeconds !== undefined) qb.andWhere(`j.heartbeat_at < now() - make_interval(secs => :secs)`, { secs: staleSeconds });
    return qb.getMany();
  }
}
