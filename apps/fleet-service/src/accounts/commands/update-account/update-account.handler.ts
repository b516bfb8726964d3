import { AccountDto, domainEvent, EventSubjects } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AccountAccessService } from '../../account-access.service';
import { replaceAccountSettings } from '../../account-rules';
import { toAccountDto } from '../../account.mapper';
import { accountNotFound, ACCOUNTS_REPOSITORY, AccountsRepository } from '../../accounts.repository';
import { UpdateAccountCommand } from './update-account.command';

/** Full replacement of an account's settings; access is checked again with the new role. */
@CommandHandler(UpdateAccountCommand)
export class UpdateAccountHandler implements ICommandHandler<UpdateAccountCommand> {
  constructor(
    @Inject(ACCOUNTS_REPOSITORY) private readonly repo: AccountsRepository,
    private readonly access: AccountAccessService,
  ) {}

  async execute({ request: req }: UpdateAccountCommand): Promise<AccountDto> {
    const row = replaceAccountSettings(await this.repo.getOrThrow(req.account_id), req);
    // The event carries the settings as stored; a new access-check outcome follows as status.changed.
    const updated = domainEvent(EventSubjects.FleetAccountUpdated, { account: toAccountDto(row) }, row.account_id);
    if (!(await this.repo.update(row, [updated]))) throw accountNotFound(req.account_id);
    this.access.forget(row.account_id);
    await this.access.checkWithin(row);
    return toAccountDto(await this.repo.getOrThrow(row.account_id));
  }
}
