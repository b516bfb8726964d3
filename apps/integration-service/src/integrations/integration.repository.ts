import { AppException, Direction, IntegrationStatus, IntegrationType } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { queryPrepared } from '@app/persistence';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

// jsonb columns typed as Record<string, unknown> do not fit TypeORM's deep-partial type; the values are plain JSON.
const asRow = (v: object) => v as QueryDeepPartialEntity<IntegrationEntity>;
import { IntegrationEntity } from './integration.entity';

export interface IntegrationFilter {
  type?: IntegrationType;
  status?: IntegrationStatus;
  direction?: Direction;
  enabled?: boolean;
  tags?: Record<string, string>;
  nameContains?: string;
}

export type PageRequest = { limit: number } & ({ cursor?: { createdAt: string; id: string } } | { page: number });

export interface Page<T> {
  items: T[];
  total: number;
  nextCursor: { createdAt: string; id: string } | null;
}

/** The port the handlers depend on; the TypeORM entity stays behind it. */
export interface IntegrationRepository {
  insert(row: IntegrationEntity): Promise<void>;
  update(row: IntegrationEntity): Promise<boolean>;
  delete(id: string): Promise<IntegrationEntity | null>;
  findById(id: string): Promise<IntegrationEntity | null>;
  /** Compare-and-set of the status: false when the row is gone or no longer in `from`. */
  transition(id: string, from: IntegrationStatus, to: IntegrationStatus, reason: string | null, patch?: { enabled?: boolean }): Promise<boolean>;
  /** Inserts all rows or none. */
  insertAll(rows: IntegrationEntity[]): Promise<void>;
  list(filter: IntegrationFilter, page: PageRequest): Promise<Page<IntegrationEntity>>;
}

export const INTEGRATION_REPOSITORY = Symbol('INTEGRATION_REPOSITORY');

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class TypeOrmIntegrationRepository implements IntegrationRepository {
  private readonly repo: Repository<IntegrationEntity>;
  private readonly selectById: string;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(IntegrationEntity);
    const { columns, tablePath } = this.repo.metadata;
    const table = tablePath.split('.').map((part) => `"${part}"`).join('.');
    this.selectById = `SELECT ${columns.map((c) => `"${c.databaseName}"`).join(', ')} FROM ${table} WHERE "id" = $1`;
  }

  private nameTaken(e: unknown, name: string): never {
    if (e instanceof QueryFailedError && (e.driverError as { code?: string })?.code === UNIQUE_VIOLATION) {
      throw new AppException('INTEGRATION_NAME_TAKEN', `An integration named "${name}" already exists`);
    }
    throw e;
  }

  async insert(row: IntegrationEntity): Promise<void> {
    await this.repo.insert(asRow(row)).catch((e) => this.nameTaken(e, row.name));
  }

  async update(row: IntegrationEntity): Promise<boolean> {
    const { id, created_at: _created, ...values } = row;
    const result = await this.repo.update({ id }, asRow(values)).catch((e) => this.nameTaken(e, row.name));
    return (result.affected ?? 0) > 0;
  }

  async delete(id: string): Promise<IntegrationEntity | null> {
    // One statement: the row we report is exactly the row we removed.
    const rows = (await this.repo.query(`DELETE FROM "integration"."integrations" WHERE id = $1 RETURNING id, name, type`, [id])) as [IntegrationEntity[], number] | IntegrationEntity[];
    const list = Array.isArray(rows[0]) ? (rows[0] as IntegrationEntity[]) : (rows as IntegrationEntity[]);
    return list[0] ?? null;
  }

  /**
   * The hottest read (every GET through the gateway): one hand-written statement instead of findOneBy, whose query
   * building and entity hydration cost more CPU than PostgreSQL spends answering it, and a prepared statement
   * (D25). pg already types the columns (jsonb → objects, timestamptz → Date), so the row only needs the prototype.
   */
  async findById(id: string): Promise<IntegrationEntity | null> {
    const rows = await queryPrepared<object>(this.dataSource, 'integration_by_id', this.selectById, [id]);
    return rows.length ? Object.assign(new IntegrationEntity(), rows[0]) : null;
  }


  async transition(id: string, from: IntegrationStatus, to: IntegrationStatus, reason: string | null, patch: { enabled?: boolean } = {}): Promise<boolean> {
    const now = new Date();
    const result = await this.repo.update({ id, status: from }, asRow({ status: to, status_reason: reason, status_changed_at: now, updated_at: now, ...patch }));
    return (result.affected ?? 0) > 0;
  }

  async insertAll(rows: IntegrationEntity[]): Promise<void> {
    await this.repo.manager.transaction(async (m) => {
      for (const row of rows) await m.getRepository(IntegrationEntity).insert(asRow(row)).catch((e) => this.nameTaken(e, row.name));
    });
  }

  async list(filter: IntegrationFilter, page: PageRequest): Promise<Page<IntegrationEntity>> {
    const qb = this.repo.createQueryBuilder('i');
    if (filter.type) qb.andWhere('i.type = :type', { type: filter.type });
    if (filter.status) qb.andWhere('i.status = :status', { status: filter.status });
    if (filter.direction) qb.andWhere('i.direction = :direction', { direction: filter.direction });
    if (filter.enabled !== undefined) qb.andWhere('i.enabled = :enabled', { enabled: filter.enabled });
    if (filter.tags && Object.keys(filter.tags).length) qb.andWhere('i.tags @> :tags::jsonb', { tags: JSON.stringify(filter.tags) });
    if (filter.nameContains) {
      const escaped = filter.nameContains.replace(/[\\%_]/g, (c) => `\\${c}`);
      qb.andWhere(`i.name ILIKE :q ESCAPE '\\'`, { q: `%${escaped}%` });
    }
    const total = await qb.clone().getCount();
    qb.orderBy('i.created_at', 'DESC').addOrderBy('i.id', 'DESC').take(page.limit + 1);
    if ('page' in page) qb.skip((page.page - 1) * page.limit);
    else if (page.cursor) qb.andWhere('(i.created_at, i.id) < (:cAt::timestamptz, :cId::uuid)', { cAt: page.cursor.createdAt, cId: page.cursor.id });
    const rows = await qb.getMany();
    const hasMore = rows.length > page.limit;
    const items = rows.slice(0, page.limit);
    const last = items[items.length - 1];
    return { items, total, nextCursor: hasMore && last ? { createdAt: last.created_at.toISOString(), id: last.id } : null };
  }
}
