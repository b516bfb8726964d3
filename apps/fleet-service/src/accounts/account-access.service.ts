import { APP_CONFIG, AppConfig } from '@app/config';
import { AccountStatus, domainEvent, EventSubjects } from '@app/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AccountCredentials, checkAccountAccess, type AccountAccessResult } from '../inventory';
import { accountRef } from './account.mapper';
import type { AccountEntity } from './account.entity';
import { ACCOUNTS_REPOSITORY, AccountsRepository } from './accounts.repository';

/**
 * Proves the service can act in an account (AssumeRole + GetCallerIdentity) and records the outcome as the
 * account's status, with AWS's own message on failure. Used on create/update and at the start of every sync.
 */
@Injectable()
export class AccountAccessService {
  private readonly logger = new Logger(AccountAccessService.name);

  constructor(
    @Inject(ACCOUNTS_REPOSITORY) private readonly repo: AccountsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly credentials: AccountCredentials,
  ) {}

  get homeRegion(): string {
    return this.config.aws.default_region;
  }

  async check(account: Pick<AccountEntity, 'account_id' | 'role_arn' | 'external_id'>): Promise<AccountAccessResult> {
    const result = await checkAccountAccess(this.credentials, accountRef(account), this.homeRegion);
    const status = result.ok ? AccountStatus.Ok : AccountStatus.Error;
    const message = result.ok ? null : (result.error ?? 'access check failed').slice(0, 2000);
    const previous = await this.repo.setStatus(account.account_id, status, message, (from) =>
      from !== status ? [domainEvent(EventSubjects.FleetAccountStatusChanged, { account_id: account.account_id, from, to: status, message }, account.account_id)] : [],
    );
    if (previous !== null && previous !== status && !result.ok) this.logger.warn(`account ${account.account_id}: cannot act in the account: ${message}`);
    return result;
  }

  /** Runs the check but answers within `ms`: a slow STS leaves the account PENDING and the check finishes in the background. */
  async checkWithin(account: AccountEntity, ms = 3000): Promise<void> {
    const running = this.check(account).catch((e) => this.logger.error(`access check of ${account.account_id} failed: ${(e as Error).message}`));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([running, new Promise<void>((r) => (timer = setTimeout(r, ms)))]).finally(() => clearTimeout(timer));
  }

  /** Drop cached STS sessions of an account whose role or external id changed (or that is gone). */
  forget(accountId: string): void {
    this.credentials.invalidate(accountId);
  }
}
