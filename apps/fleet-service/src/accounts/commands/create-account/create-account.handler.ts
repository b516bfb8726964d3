import { AccountDto, AccountStatus, AppException, CreateAccountRequest, domainEvent, EventSubjects } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AccountAccessService } from '../../account-access.service';
import { AccountEntity } from '../../account.entity';
import { storedRegions, toAccountDto } from '../../account.mapper';
import { ACCOUNTS_REPOSITORY, AccountsRepository } from '../../accounts.repository';
import { CreateAccountCommand } from './create-account.command';

/** Builds the row of a new account (also used by discovery). The first periodic sync is due at once. */
export function newAccountRow(req: CreateAccountRequest, now = new Date()): AccountEntity {
  return Object.assign(new AccountEntity(), {
    account_id: req.account_id,
    name: req.name,
    role_arn: req.role_arn ?? null,
    external_id: req.external_id ?? null,
    regions: storedRegions(req.regions),
    tags: req.tags ?? {},
    sync_interval_minutes: req.sync_interval_minutes ?? 60,
    enabled: req.enabled ?? true,
    status: AccountStatus.Pending,
    status_message: null,
    status_checked_at: null,
    last_sync_at: null,
    next_sync_at: now,
    lease_owner: null,
    lease_token: null,
    lease_until: null,
    created_at: now,
    updated_at: now,
  });
}

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
