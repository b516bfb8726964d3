import { AppException, Direction, integrationNotFound, IntegrationStatus, IntegrationType } from '@app/contracts';
import { Outbox, OutboxEvent, queryPrepared, rowsOf } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError, Repository } from 'typeorm';
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

/**
 * The port the handlers depend on; the TypeORM entity stays behind it. Each change takes the events it causes:
 * they are written to the outbox in the change's transaction and published after its commit.
 */
export interface IntegrationRepository {
  insert(row: IntegrationEntity, events: OutboxEvent[]): Promise<void>;
  /**
   * Read-modify-write under the row's lock: `change` gets the row as it is (SELECT … FOR UPDATE) and returns the
   * replacement and its events, which are stored in the same transaction; INTEGRATION_NOT_FOUND when there is no row.
   * A status transition or a second replacement meanwhile waits for it, so none is computed from a stale read.
   */
  replace(id: string, change: (current: IntegrationEntity) => { next: IntegrationEntity; events: OutboxEvent[] }): Promise<IntegrationEntity>;
  /** The removed row (id, name, type), or null when there was none (and no events are written). */
  delete(id: string, events: (removed: IntegrationEntity) => OutboxEvent[]): Promise<IntegrationEntity | null>;
  findById(id: string): Promise<IntegrationEntity | null>;
  /** The row, or INTEGRATION_NOT_FOUND. */
  getOrThrow(id: string): Promise<IntegrationEntity>;
  /** Compare-and-set of the status: the row after the change, or null when it is gone or no longer in `from`. */
  transition(id: string, from: IntegrationStatus, to: IntegrationStatus, reason: string | null, patch: { enabled?: boolean }, events: (next: IntegrationEntity) => OutboxEvent[]): Promise<IntegrationEntity | null>;
  /** Inserts all rows or none. */
  insertAll(rows: IntegrationEntity[], events: OutboxEvent[]): Promise<void>;
  list(filter: IntegrationFilter, page: PageRequest): Promise<Page<IntegrationEntity>>;
}

export const INTEGRATION_REPOSITORY = Symbol('INTEGRATION_REPOSITORY');

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class TypeOrmIntegrationRepository implements IntegrationRepository {
  private readonly repo: Repository<IntegrationEntity>;
  private readonly selectById: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {
    this.repo = dataSource.getRepository(IntegrationEntity);
    const { columns, tablePath } = this.repo.metadata;
    const table = tablePath.split('.').map((part) => `"${part}"`).join('.');
    this.selectById = `SELECT ${columns.map((c) => `"${c.databaseName}"`).join(', ')} FROM ${table} WHERE "id" = $1`;
  }

  private rows(m: EntityManager): Repository<IntegrationEntity> {
    return m.getRepository(IntegrationEntity);
  }

  private nameTaken(e: unknown, name: string): never {
    if (e instanceof QueryFailedError && (e.driverError as { code?: string })?.code === UNIQUE_VIOLATION) {
      throw new AppException('INTEGRATION_NAME_TAKEN', `An integration named "${name}" already exists`);
    }
    throw e;
  }

  async insert(row: IntegrationEntity, events: OutboxEvent[]): Promise<void> {
    await this.outbox.transaction(async (m, emit) => {
      await this.rows(m).insert(asRow(row)).catch((e) => this.nameTaken(e, row.name));
      emit(...events);
    });
  }

  async replace(id: string, change: (current: IntegrationEntity) => { next: IntegrationEntity; events: OutboxEvent[] }): Promise<IntegrationEntity> {
    return this.outbox.transaction(async (m, emit) => {
      const [locked] = rowsOf<object>(await m.query(`${this.selectById} FOR UPDATE`, [id]));
      if (!locked) throw integrationNotFound(id);
      const { next, events } = change(Object.assign(new IntegrationEntity(), locked));
      const { id: _id, created_at: _created, ...values } = next;
      await this.rows(m).update({ id }, asRow(values)).catch((e) => this.nameTaken(e, next.name));
      emit(...events);
      return next;
    });
  }

  async delete(id: string, events: (removed: IntegrationEntity) => OutboxEvent[]): Promise<IntegrationEntity | null> {
    return this.outbox.transaction(async (m, emit) => {
      // One statement: the row we report is exactly the row we removed.
      const [removed] = rowsOf<IntegrationEntity>(await m.query(`DELETE FROM "integration"."integrations" WHERE id = $1 RETURNING id, name, type`, [id]));
      if (removed) emit(...events(removed));
      return removed ?? null;
    });
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

  async getOrThrow(id: string): Promise<IntegrationEntity> {
    const row = await this.findById(id);
    if (!row) throw integrationNotFound(id);
    return row;
  }

  async transition(id: string, from: IntegrationStatus, to: IntegrationStatus, reason: string | null, patch: { enabled?: boolean }, events: (next: IntegrationEntity) => OutboxEvent[]): Promise<IntegrationEntity | null> {
    const now = new Date();
    return this.outbox.transaction(async (m, emit) => {
      const result = await this.rows(m).update({ id, status: from }, asRow({ status: to, status_reason: reason, status_changed_at: now, updated_at: now, ...patch }));
      if (!result.affected) return null;
      const next = await this.rows(m).findOneByOrFail({ id });
      emit(...events(next));
      return next;
    });
  }

  async insertAll(rows: IntegrationEntity[], events: OutboxEvent[]): Promise<void> {
    await this.outbox.transaction(async (m, emit) => {
      for (const row of rows) await this.rows(m).insert(asRow(row)).catch((e) => this.nameTaken(e, row.name));
      emit(...events);
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
