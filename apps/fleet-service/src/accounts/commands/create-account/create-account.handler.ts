import { AccountDto, AppException, domainEvent, EventSubjects } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AccountAccessService } from '../../account-access.service';
import { newAccountRow } from '../../account-rules';
import { toAccountDto } from '../../account.mapper';
import { ACCOUNTS_REPOSITORY, AccountsRepository } from '../../accounts.repository';
import { CreateAccountCommand } from './create-account.command';

@CommandHandler(CreateAccountCommand)
export class CreateAccountHandler implements ICommandHandler<CreateAccountCommand> {
  constructor(
    @Inject(ACCOUNTS_REPOSITORY) private readonly repo: AccountsRepository,
    private readonly access: AccountAccessService,
  ) {}

  async execute({ request }: CreateAccountCommand): Promise<AccountDto> {
    const row = newAccountRow(request);
    // The event carries the account as stored (PENDING); the access check's outcome follows as status.changed.
    await this.repo.insert(row, [domainEvent(EventSubjects.FleetAccountCreated, { account: toAccountDto(row) }, row.account_id)]);
    await this.access.checkWithin(row);
    const saved = await this.repo.findById(row.account_id);
    if (!saved) throw new AppException('ACCOUNT_NOT_FOUND', `Account ${row.account_id} was deleted meanwhile`);
    return toAccountDto(saved);
  }
}
