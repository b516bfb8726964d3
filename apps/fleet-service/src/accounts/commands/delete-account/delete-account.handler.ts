import { domainEvent, EventSubjects } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AccountAccessService } from '../../account-access.service';
import { accountNotFound, ACCOUNTS_REPOSITORY, AccountsRepository } from '../../accounts.repository';
import { DeleteAccountCommand } from './delete-account.command';

/** Unregisters an account. Its resources stay in the registry (their history) until a retention job prunes them. */
@CommandHandler(DeleteAccountCommand)
export class DeleteAccountHandler implements ICommandHandler<DeleteAccountCommand> {
  constructor(
    @Inject(ACCOUNTS_REPOSITORY) private readonly repo: AccountsRepository,
    private readonly access: AccountAccessService,
  ) {}

  async execute({ accountId }: DeleteAccountCommand): Promise<void> {
    const deleted = domainEvent(EventSubjects.FleetAccountDeleted, { account_id: accountId }, accountId);
    if (!(await this.repo.delete(accountId, [deleted]))) throw accountNotFound(accountId);
    this.access.forget(accountId);
  }
}
