import { AccountDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { toAccountDto } from '../../account.mapper';
import { ACCOUNTS_REPOSITORY, AccountsRepository } from '../../accounts.repository';
import { GetAccountQuery } from './get-account.query';

@QueryHandler(GetAccountQuery)
export class GetAccountHandler implements IQueryHandler<GetAccountQuery> {
  constructor(@Inject(ACCOUNTS_REPOSITORY) private readonly repo: AccountsRepository) {}

  async execute({ accountId }: GetAccountQuery): Promise<AccountDto> {
    return toAccountDto(await this.repo.getOrThrow(accountId));
  }
}
