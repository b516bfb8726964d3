import { EventSubjects, ResourceChangedData, ResourceChanges, ResourceRef, ResourceRemovedData } from '@app/contracts';
import { Outbox, OutboxEvent } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CollectedResource } from '../inventory';
import { pgRows } from '../accounts/accounts.repository';
import { ResourceEntity } from './resource.entity';

export interface ResourceFilter {
  accountId?: string;
  region?: string;
  service?: string;
  type?: string;
  state?: string;
  tags?: Record<string, string>;
  nameContains?: string;
  includeRemoved?: boolean;
}

/** A row of an upserted batch that is new, back, or different from what was stored. */
export interface UpsertChange {
  arn: string;
  /** Never stored before, or stored as removed and now seen again. */
  isNew: boolean;
  /** Stored as removed and now seen again (a new resource has no history yet). */
  wasRemoved: boolean;
  oldName: string | null;
  oldState: string | null;
  /** Set only when the tags differ. */
  oldTags: Record<string, string> | null;
  /** Top-level property keys whose values differ; null when the properties are equal. */
  changedProperties: string[] | null;
}

export interface ResourcesRepository {
  /**
   * Upserts a batch by ARN in ONE statement (jsonb_to_recordset → INSERT … ON CONFLICT DO UPDATE) and returns
   * only the rows that are new or changed, compared with the stored row in the same snapshot. The events `events`
   * makes of those go to the outbox in the same transaction (one more statement).
   */
  upsertBatch(rows: CollectedResource[], seenAt: Date, syncId: string, events: (changes: UpsertChange[]) => OutboxEvent[]): Promise<UpsertChange[]>;
  /**
   * Marks removed what a successful task's scope no longer holds (not seen since `seenBefore`), only while the task's
   * run is still RUNNING under `fence.owner` and, for a periodic sync, the account's lease is still held under
   * `fence.leaseToken`; both rows are locked (FOR SHARE) for the statement, so neither can be ended or taken over
   * halfway. Returns null when the fence no longer holds (nothing was marked); the events `events` makes of the rows
   * marked go to the outbox in the same transaction.
   */
  markRemoved(
    scope: { accountId: string; region: string | null; types: string[] },
    seenBefore: Date,
    removedAt: Date,
    fence: { syncId: string; owner: string; leaseToken: string | null },
    events: (removed: ResourceRef[]) => OutboxEvent[],
  ): Promise<ResourceRef[] | null>;
  list(filter: ResourceFilter, page: { limit: number; afterArn?: string }): Promise<ResourceEntity[]>;
  findByArn(arn: string): Promise<ResourceEntity | null>;
  summary(filter: { accountId?: string; includeRemoved?: boolean }): Promise<Array<{ dim: 'type' | 'region' | 'account'; key: string; count: number }>>;
  /** Recorded changes, newest first (`id` below `beforeId`). */
  changes(filter: { arn?: string; accountId?: string }, page: { limit: number; beforeId?: string }): Promise<ResourceChangeRow[]>;
}

export interface ResourceChangeRow {
  id: string;
  arn: string;
  account_id: string;
  type: string;
  name: string;
  kind: 'discovered' | 'changed' | 'removed';
  changes: ResourceChanges | null;
  sync_id: string | null;
  at: Date;
}

type HistoryRow = Omit<ResourceChangeRow, 'id' | 'at'> & { at: string };

/**
 * The history rows of a batch's events: every change and removal, and a discovery only when the resource comes back
 * (`returning` holds those ARNs); a first discovery is the row's own `first_seen_at`.
 */
function historyOf(events: OutboxEvent[], at: Date, returning: ReadonlySet<string> = new Set()): HistoryRow[] {
  const rows: HistoryRow[] = [];
  for (const e of events) {
    const { resource, sync_id } = e.data as ResourceChangedData | ResourceRemovedData;
    const row = { arn: resource.arn, account_id: resource.account_id, type: resource.type, name: resource.name, sync_id, at: at.toISOString() };
    if (e.type === EventSubjects.FleetResourceChanged) rows.push({ ...row, kind: 'changed', changes: (e.data as ResourceChangedData).changes });
    else if (e.type === EventSubjects.FleetResourceRemoved) rows.push({ ...row, kind: 'removed', changes: null });
    else if (e.type === EventSubjects.FleetResourceDiscovered && returning.has(resource.arn)) rows.push({ ...row, kind: 'discovered', changes: null });
  }
  return rows;
}

const RECORD_HISTORY_SQL = `INSERT INTO "fleet"."resource_changes" (arn, account_id, type, name, kind, changes, sync_id, at)
  SELECT arn, account_id, type, name, kind, changes, sync_id, at
    FROM jsonb_to_recordset($1::jsonb) AS x(arn text, account_id text, type text, name text, kind text, changes jsonb, sync_id uuid, at timestamptz)`;

export const RESOURCES_REPOSITORY = Symbol('RESOURCES_REPOSITORY');

const UPSERT_SQL = `
WITH input AS (
  SELECT DISTINCT ON (x.arn) x.*
    FROM jsonb_to_recordset($1::jsonb) AS x(arn text, account_id text, region text, service text, type text, name text, state text, tags jsonb, created_at timestamptz, properties jsonb)
   ORDER BY x.arn
),
old AS (
  SELECT r.arn, r.name, r.state, r.tags, r.properties, r.removed_at
    FROM "fleet"."resources" r
   WHERE r.arn IN (SELECT arn FROM input)
),
up AS (
  INSERT INTO "fleet"."resources" AS r
         (arn, account_id, region, service, type, name, state, tags, created_at, properties, first_seen_at, last_seen_at, removed_at, last_sync_id)
  SELECT arn, account_id, region, service, type, name, state, COALESCE(tags, '{}'::jsonb), created_at, COALESCE(properties, '{}'::jsonb), $2, $2, NULL, $3
    FROM input
  ON CONFLICT (arn) DO UPDATE SET
         account_id = EXCLUDED.account_id, region = EXCLUDED.region, service = EXCLUDED.service, type = EXCLUDED.type,
         name = EXCLUDED.name, state = EXCLUDED.state, tags = EXCLUDED.tags, created_at = EXCLUDED.created_at,
         properties = EXCLUDED.properties, last_seen_at = GREATEST(r.last_seen_at, EXCLUDED.last_seen_at), removed_at = NULL, last_sync_id = EXCLUDED.last_sync_id
  RETURNING 1
)
SELECT i.arn,
       (o.arn IS NULL OR o.removed_at IS NOT NULL) AS is_new,
       (o.removed_at IS NOT NULL) AS was_removed,
       o.name AS old_name,
       o.state AS old_state,
       CASE WHEN o.tags IS DISTINCT FROM COALESCE(i.tags, '{}'::jsonb) THEN o.tags END AS old_tags,
       CASE WHEN o.properties IS DISTINCT FROM COALESCE(i.properties, '{}'::jsonb) THEN
         ARRAY(SELECT k FROM jsonb_object_keys(o.properties || COALESCE(i.properties, '{}'::jsonb)) AS k
                WHERE (o.properties -> k) IS DISTINCT FROM (i.properties -> k) ORDER BY k)
       END AS changed_properties
  FROM input i
  LEFT JOIN old o ON o.arn = i.arn
 WHERE (o.arn IS NULL OR o.removed_at IS NOT NULL OR o.name IS DISTINCT FROM i.name OR o.state IS DISTINCT FROM i.state
        OR o.tags IS DISTINCT FROM COALESCE(i.tags, '{}'::jsonb) OR o.properties IS DISTINCT FROM COALESCE(i.properties, '{}'::jsonb))`;

@Injectable()
export class TypeOrmResourcesRepository implements ResourcesRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly outbox: Outbox,
  ) {}

  async upsertBatch(rows: CollectedResource[], seenAt: Date, syncId: string, events: (changes: UpsertChange[]) => OutboxEvent[]): Promise<UpsertChange[]> {
    if (!rows.length) return [];
    return this.outbox.transaction(async (m, emit) => {
      const result = await m.query(UPSERT_SQL, [JSON.stringify(rows), seenAt.toISOString(), syncId]);
      const changes = pgRows<{ arn: string; is_new: boolean; was_removed: boolean; old_name: string | null; old_state: string | null; old_tags: Record<string, string> | null; changed_properties: string[] | null }>(result).map(
        (r): UpsertChange => ({ arn: r.arn, isNew: r.is_new, wasRemoved: r.was_removed, oldName: r.old_name, oldState: r.old_state, oldTags: r.old_tags, changedProperties: r.changed_properties }),
      );
      const made = events(changes);
      emit(...made);
      const history = historyOf(made, seenAt, new Set(changes.filter((c) => c.wasRemoved).map((c) => c.arn)));
      if (history.length) await m.query(RECORD_HISTORY_SQL, [JSON.stringify(history)]);
      return changes;
    });
  }

  async markRemoved(
    scope: { accountId: string; region: string | null; types: string[] },
    seenBefore: Date,
    removedAt: Date,
    fence: { syncId: string; owner: string; leaseToken: string | null },
    events: (removed: ResourceRef[]) => OutboxEvent[],
  ): Promise<ResourceRef[] | null> {
    return this.outbox.transaction(async (m, emit) => {
      const result = await m.query(
        `WITH run AS (
           SELECT 1 FROM "fleet"."sync_runs" WHERE id = $6 AND status = 'RUNNING' AND lease_owner = $7 FOR SHARE
         ), lease AS (
           SELECT 1 FROM "fleet"."accounts" WHERE account_id = $1 AND lease_token = $8::uuid FOR SHARE
         ), fence AS (
           SELECT EXISTS (SELECT 1 FROM run) AND ($8::uuid IS NULL OR EXISTS (SELECT 1 FROM lease)) AS held
         ), removed AS (
           UPDATE "fleet"."resources" SET removed_at = $5
            WHERE (SELECT held FROM fence) AND account_id = $1 AND ($2::text IS NULL OR region = $2) AND type = ANY($3::text[])
              AND removed_at IS NULL AND last_seen_at < $4
           RETURNING arn, account_id, region, service, type, name, state, tags
         )
         SELECT fence.held, removed.* FROM fence LEFT JOIN removed ON true`,
        [scope.accountId, scope.region, scope.types, seenBefore.toISOString(), removedAt.toISOString(), fence.syncId, fence.owner, fence.leaseToken],
      );
      const rows = pgRows<ResourceRef & { held: boolean }>(result);
      if (!rows[0]?.held) return null;
      const removed = rows.filter((r) => r.arn !== null).map(({ held: _h, ...r }) => r);
      const made = events(removed);
      emit(...made);
      const history = historyOf(made, removedAt);
      if (history.length) await m.query(RECORD_HISTORY_SQL, [JSON.stringify(history)]);
      return removed;
    });
  }

  async list(filter: ResourceFilter, page: { limit: number; afterArn?: string }): Promise<ResourceEntity[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (!filter.includeRemoved) where.push('removed_at IS NULL');
    if (filter.accountId) add('account_id = ?', filter.accountId);
    if (filter.region) add('region = ?', filter.region);
    if (filter.service) add('service = ?', filter.service);
    if (filter.type) add('type = ?', filter.type);
    if (filter.state) add('state = ?', filter.state);
    if (filter.tags && Object.keys(filter.tags).length) add('tags @> ?::jsonb', JSON.stringify(filter.tags));
    if (filter.nameContains) add(`name ILIKE ? ESCAPE '\\'`, `%${filter.nameContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (page.afterArn) add('arn > ?', page.afterArn);
    params.push(page.limit);
    const sql = `SELECT arn, account_id, region, service, type, name, state, tags, created_at, properties, first_seen_at, last_seen_at, removed_at
                   FROM "fleet"."resources" ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                  ORDER BY arn LIMIT $${params.length}`;
    return pgRows<ResourceEntity>(await this.ds.query(sql, params)).map(withDates);
  }

  async changes(filter: { arn?: string; accountId?: string }, page: { limit: number; beforeId?: string }): Promise<ResourceChangeRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.arn) add('arn = ?', filter.arn);
    if (filter.accountId) add('account_id = ?', filter.accountId);
    if (page.beforeId) add('id < ?::bigint', page.beforeId);
    params.push(page.limit);
    const rows = pgRows<ResourceChangeRow & { id: string | number }>(
      await this.ds.query(
        `SELECT id, arn, account_id, type, name, kind, changes, sync_id, at FROM "fleet"."resource_changes" ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
        params,
      ),
    );
    return rows.map((r) => ({ ...r, id: String(r.id), at: r.at instanceof Date ? r.at : new Date(r.at) }));
  }

  async findByArn(arn: string): Promise<ResourceEntity | null> {
    const rows = pgRows<ResourceEntity>(await this.ds.query(`SELECT * FROM "fleet"."resources" WHERE arn = $1`, [arn]));
    return rows[0] ? withDates(rows[0]) : null;
  }

  async summary(filter: { accountId?: string; includeRemoved?: boolean }): Promise<Array<{ dim: 'type' | 'region' | 'account'; key: string; count: number }>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (!filter.includeRemoved) where.push('removed_at IS NULL');
    if (filter.accountId) {
      params.push(filter.accountId);
      where.push(`account_id = $${params.length}`);
    }
    // One scan for the three breakdowns.
    const rows = pgRows<{ type: string | null; region: string | null; account_id: string | null; n: string }>(
      await this.ds.query(
        `SELECT type, region, account_id, count(*) AS n FROM "fleet"."resources" ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          GROUP BY GROUPING SETS ((type), (region), (account_id))`,
        params,
      ),
    );
    return rows.map((r) =>
      r.type !== null ? { dim: 'type' as const, key: r.type, count: Number(r.n) } : r.region !== null ? { dim: 'region' as const, key: r.region, count: Number(r.n) } : { dim: 'account' as const, key: r.account_id ?? '', count: Number(r.n) },
    );
  }
}

/** Raw query rows carry timestamps as Date from pg (and PGlite's pg socket); normalise anything else. */
function withDates(r: ResourceEntity): ResourceEntity {
  const d = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)));
  return { ...r, created_at: d(r.created_at), first_seen_at: d(r.first_seen_at)!, last_seen_at: d(r.last_seen_at)!, removed_at: d(r.removed_at) };
}
