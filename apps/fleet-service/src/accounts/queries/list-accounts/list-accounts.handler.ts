import { AccountPageDto, AppException } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { toAccountDto } from '../../account.mapper';
import { ACCOUNTS_REPOSITORY, AccountsRepository } from '../../accounts.repository';
import { ListAccountsQuery } from './list-accounts.query';

/** Accounts in account-id order; the cursor is the last account id of the page, base64url-encoded. */
@QueryHandler(ListAccountsQuery)
export class ListAccountsHandler implements IQueryHandler<ListAccountsQuery> {
  constructor(@Inject(ACCOUNTS_REPOSITORY) private readonly repo: AccountsRepository) {}

  async execute({ request: q }: ListAccountsQuery): Promise<AccountPageDto> {
    const limit = q.limit ?? 100;
    let after: string | undefined;
    if (q.cursor) {
      after = Buffer.from(q.cursor, 'base64url').toString('utf8');
      if (!/^\d{12}$/.test(after)) throw new AppException('VALIDATION_FAILED', 'cursor is not a cursor this API returned', { errors: [{ field: 'cursor', message: 'invalid cursor' }] });
    }
    const { items, total } = await this.repo.list({ status: q.status, enabled: q.enabled, accountIds: q.account_ids }, { limit: limit + 1, after });
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toAccountDto), limit, total, next_cursor: items.length > limit && last ? Buffer.from(last.account_id).toString('base64url') : null };
  }
}
