import { AppException } from '@app/contracts';
import { Outbox, OutboxEvent } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AccountEntity } from './account.entity';

const asRow = (v: object) => v as QueryDeepPartialEntity<AccountEntity>;
const UNIQUE_VIOLATION = '23505';

export interface AccountFilter {
  status?: string;
  enabled?: boolean;
  accountIds?: string[];
}

/** The port the account handlers and the sync depend on. Changes take their events (written to the outbox with them). */
export interface AccountsRepository {
  insert(row: AccountEntity, events: OutboxEvent[]): Promise<void>;
  update(row: AccountEntity, events: OutboxEvent[]): Promise<boolean>;
  delete(accountId: string, events: OutboxEvent[]): Promise<boolean>;
  findById(accountId: string): Promise<AccountEntity | null>;
  /** The row, or ACCOUNT_NOT_FOUND. */
  getOrThrow(accountId: string): Promise<AccountEntity>;
  list(filter: AccountFilter, page: { limit: number; after?: string }): Promise<{ items: AccountEntity[]; total: number }>;
  /** Records the outcome of an access check; returns the previous status (null when the account is gone). */
  setStatus(accountId: string, status: string, message: string | null, events: (previous: string) => OutboxEvent[]): Promise<string | null>;
  /**
   * Claims up to `limit` enabled accounts whose periodic sync is due and that no live lease holds, for `owner`,
   * until `leaseSeconds` from now, each with a new `lease_token`. One statement (UPDATE … WHERE account_id IN
   * (SELECT … FOR UPDATE SKIP LOCKED)), so replicas polling together never claim the same account, even on
   * PGlite's single session.
   */
  claimDue(owner: string, limit: number, leaseSeconds: number): Promise<AccountEntity[]>;
  /** Extends the leases still held under these tokens to `leaseSeconds` from now; returns those tokens (the others were taken over). */
  renewLeases(tokens: string[], leaseSeconds: number): Promise<string[]>;
  /**
   * Ends a periodic sync if its lease is still held under `token`: releases it and, when `reschedule`, moves the
   * next sync on by the account's interval (an interrupted sync leaves it due, for any instance to take).
   */
  completeScheduled(accountId: string, token: string, reschedule?: boolean): Promise<void>;
  markSynced(accountIds: string[]): Promise<void>;
}

export const ACCOUNTS_REPOSITORY = Symbol('ACCOUNTS_REPOSITORY');

/** The one 404 of an account id that is not registered. */
export function accountNotFound(accountId: string): AppException {
  return new AppException('ACCOUNT_NOT_FOUND', `Account ${accountId} is not registered`);
}

@Injectable()
export class TypeOrmAccountsRepository implements AccountsRepository {
  private readonly repo: Repository<AccountEntity>;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly outbox: Outbox,
  ) {
    this.repo = ds.getRepository(AccountEntity);
  }

  async insert(row: AccountEntity, events: OutboxEvent[]): Promise<void> {
    await this.outbox.transaction(async (m, emit) => {
      await m
        .getRepository(AccountEntity)
        .insert(asRow(row))
        .catch((e) => {
          if (e instanceof QueryFailedError && (e.driverError as { code?: string })?.code === UNIQUE_VIOLATION) {
            throw new AppException('ACCOUNT_EXISTS', `Account ${row.account_id} is already registered`);
          }
          throw e;
        });
      emit(...events);
    });
  }

  async update(row: AccountEntity, events: OutboxEvent[]): Promise<boolean> {
    const { account_id, created_at: _c, status: _s, status_message: _m, status_checked_at: _t, last_sync_at: _l, lease_owner: _o, lease_until: _u, lease_token: _k, ...values } = row;
    return this.outbox.transaction(async (m, emit) => {
      const result = await m.getRepository(AccountEntity).update({ account_id }, asRow(values));
      if (!result.affected) return false;
      emit(...events);
      return true;
    });
  }

  async delete(accountId: string, events: OutboxEvent[]): Promise<boolean> {
    return this.outbox.transaction(async (m, emit) => {
      const result = await m.getRepository(AccountEntity).delete({ account_id: accountId });
      if (!result.affected) return false;
      emit(...events);
      return true;
    });
  }

  findById(accountId: string): Promise<AccountEntity | null> {
    return this.repo.findOneBy({ account_id: accountId });
  }
  async getOrThrow(accountId: string): Promise<AccountEntity> {
    const row = await this.findById(accountId);
    if (!row) throw accountNotFound(accountId);
    return row;
  }


  async list(filter: AccountFilter, page: { limit: number; after?: string }): Promise<{ items: AccountEntity[]; total: number }> {
    const qb = this.repo.createQueryBuilder('a');
    if (filter.status) qb.andWhere('a.status = :status', { status: filter.status });
    if (filter.enabled !== undefined) qb.andWhere('a.enabled = :enabled', { enabled: filter.enabled });
    if (filter.accountIds) qb.andWhere('a.account_id IN (:...ids)', { ids: filter.accountIds.length ? filter.accountIds : [''] });
    const total = await qb.clone().getCount();
    if (page.after) qb.andWhere('a.account_id > :after', { after: page.after });
    const items = await qb.orderBy('a.account_id', 'ASC').take(page.limit).getMany();
    return { items, total };
  }

  async setStatus(accountId: string, status: string, message: string | null, events: (previous: string) => OutboxEvent[]): Promise<string | null> {
    return this.outbox.transaction(async (m, emit) => {
      // The previous status comes from the same statement, so two checks racing report their own transitions.
      const rows = (await m.query(
        `UPDATE "fleet"."accounts" a SET status = $2, status_message = $3, status_checked_at = now()
           FROM (SELECT account_id, status FROM "fleet"."accounts" WHERE account_id = $1 FOR UPDATE) old
          WHERE a.account_id = old.account_id RETURNING old.status AS previous`,
        [accountId, status, message],
      )) as unknown;
      const previous = pgRows<{ previous: string }>(rows)[0]?.previous ?? null;
      if (previous !== null) emit(...events(previous));
      return previous;
    });
  }

  async claimDue(owner: string, limit: number, leaseSeconds: number): Promise<AccountEntity[]> {
    const rows = await this.ds.query(
      `UPDATE "fleet"."accounts" a SET lease_owner = $1, lease_until = now() + make_interval(secs => $2), lease_token = gen_random_uuid()
        WHERE a.account_id IN (
          SELECT account_id FROM "fleet"."accounts"
           WHERE enabled AND next_sync_at <= now() AND (lease_until IS NULL OR lease_until < now())
           ORDER BY next_sync_at LIMIT $3
           FOR UPDATE SKIP LOCKED)
        RETURNING a.account_id`,
      [owner, leaseSeconds, limit],
    );
    const ids = pgRows<{ account_id: string }>(rows).map((r) => r.account_id);
    return ids.length ? this.repo.createQueryBuilder('a').where('a.account_id IN (:...ids)', { ids }).getMany() : [];
  }

  async renewLeases(tokens: string[], leaseSeconds: number): Promise<string[]> {
    if (!tokens.length) return [];
    const rows = await this.ds.query(
      `UPDATE "fleet"."accounts" SET lease_until = now() + make_interval(secs => $2) WHERE lease_token = ANY($1::uuid[]) RETURNING lease_token`,
      [tokens, leaseSeconds],
    );
    return pgRows<{ lease_token: string }>(rows).map((r) => r.lease_token);
  }

  async completeScheduled(accountId: string, token: string, reschedule = true): Promise<void> {
    await this.ds.query(
      `UPDATE "fleet"."accounts" SET lease_owner = NULL, lease_until = NULL, lease_token = NULL,
              next_sync_at = CASE WHEN $3 THEN now() + make_interval(mins => sync_interval_minutes) ELSE next_sync_at END
        WHERE account_id = $1 AND lease_token = $2`,
      [accountId, token, reschedule],
    );
  }

  async markSynced(accountIds: string[]): Promise<void> {
    if (!accountIds.length) return;
    await this.ds.query(`UPDATE "fleet"."accounts" SET last_sync_at = now() WHERE account_id = ANY($1::varchar[])`, [accountIds]);
  }
}

/** TypeORM's query() returns rows for SELECT/RETURNING as an array, or [rows, count] for UPDATE … RETURNING. */
export function pgRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return (result as T[]) ?? [];
}
