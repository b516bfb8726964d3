import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** What a fleet command needs of a registered account (read from `fleet.accounts`, owned by the accounts feature). */
export interface CommandAccount {
  account_id: string;
  role_arn: string | null;
  /** Used only to assume the role; never returned, logged or stored by fleet commands. */
  external_id: string | null;
  /** A list, or ["*"] for every enabled region. */
  regions: string[];
  tags: Record<string, string>;
  enabled: boolean;
}

export interface CommandAccountsReader {
  /** The listed accounts (those that exist), or every account for "all"; ordered by account id. */
  find(accountIds: string[] | 'all'): Promise<CommandAccount[]>;
}

export const COMMAND_ACCOUNTS_READER = Symbol('COMMAND_ACCOUNTS_READER');

/** A read-only query of the same service's accounts table, so fleet commands do not depend on the accounts module's internals. */
@Injectable()
export class TypeOrmCommandAccountsReader implements CommandAccountsReader {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async find(accountIds: string[] | 'all'): Promise<CommandAccount[]> {
    const columns = `account_id, role_arn, external_id, regions, tags, enabled`;
    const rows = (
      accountIds === 'all'
        ? await this.ds.query(`SELECT ${columns} FROM "fleet"."accounts" ORDER BY account_id`)
        : await this.ds.query(`SELECT ${columns} FROM "fleet"."accounts" WHERE account_id = ANY($1::varchar[]) ORDER BY account_id`, [accountIds])
    ) as CommandAccount[];
    return rows.map((r) => ({ ...r, regions: Array.isArray(r.regions) ? r.regions : [], tags: r.tags ?? {} }));
  }
}
