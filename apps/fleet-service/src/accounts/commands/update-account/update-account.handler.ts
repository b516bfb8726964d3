import { AccountDto, AppException, domainEvent, EventSubjects } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AccountAccessService } from '../../account-access.service';
import { storedRegions, toAccountDto } from '../../account.mapper';
import { ACCOUNTS_REPOSITORY, AccountsRepository } from '../../accounts.repository';
import { UpdateAccountCommand } from './update-account.command';

/** Full replacement of an account's settings; access is checked again with the new role. */
@CommandHandler(UpdateAccountCommand)
export class UpdateAccountHandler implements ICommandHandler<UpdateAccountCommand> {
  constructor(
    @Inject(ACCOUNTS_REPOSITORY) private readonly repo: AccountsRepository,
    private readonly access: AccountAccessService,
  ) {}

  async execute({ request: req }: UpdateAccountCommand): Promise<AccountDto> {
    const row = await this.repo.findById(req.account_id);
    if (!row) throw new AppException('ACCOUNT_NOT_FOUND', `Account ${req.account_id} is not registered`);
    const intervalChanged = row.sync_interval_minutes !== (req.sync_interval_minutes ?? 60);
    Object.assign(row, {
      name: req.name,
      role_arn: req.role_arn ?? null,
      external_id: req.external_id ?? null,
      regions: storedRegions(req.regions),
      tags: req.tags ?? {},
      sync_interval_minutes: req.sync_interval_minutes ?? 60,
      enabled: req.enabled ?? true,
      updated_at: new Date(),
    });
    if (intervalChanged) row.next_sync_at = new Date(Math.min(row.next_sync_at?.getTime() ?? Date.now(), Date.now() + row.sync_interval_minutes * 60_000));
    // The event carries the settings as stored; a new access-check outcome follows as status.changed.
    const updated = domainEvent(EventSubjects.FleetAccountUpdated, { account: toAccountDto(row) }, row.account_id);
    if (!(await this.repo.update(row, [updated]))) throw new AppException('ACCOUNT_NOT_FOUND', `Account ${req.account_id} is not registered`);
    this.access.forget(row.account_id);
    await this.access.checkWithin(row);
    const saved = await this.repo.findById(row.account_id);
    if (!saved) throw new AppException('ACCOUNT_NOT_FOUND', `Account ${req.account_id} is not registered`);
    return toAccountDto(saved);
  }
}
