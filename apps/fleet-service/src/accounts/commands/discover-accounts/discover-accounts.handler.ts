import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AppException, DiscoverAccountsResultDto, DiscoveredAccountDto, domainEvent, EventSubjects } from '@app/contracts';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AccountCredentials, listOrganizationAccounts, type OrganizationAccount } from '../../../inventory';
import { AccountAccessService } from '../../account-access.service';
import { toAccountDto } from '../../account.mapper';
import { ACCOUNTS_REPOSITORY, AccountsRepository } from '../../accounts.repository';
import { newAccountRow } from '../../account-rules';
import { DiscoverAccountsCommand } from './discover-accounts.command';

/**
 * Registers every ACTIVE account of the caller's AWS Organization (the service's own credentials must be the
 * management or a delegated administrator account), each reached through `role_name`. The account the service
 * runs as is registered without a role. Existing accounts are left as they are.
 */
@CommandHandler(DiscoverAccountsCommand)
export class DiscoverAccountsHandler implements ICommandHandler<DiscoverAccountsCommand> {
  private readonly logger = new Logger(DiscoverAccountsHandler.name);

  constructor(
    @Inject(ACCOUNTS_REPOSITORY) private readonly repo: AccountsRepository,
    private readonly credentials: AccountCredentials,
    private readonly access: AccountAccessService,
  ) {}

  async execute({ request: req }: DiscoverAccountsCommand): Promise<DiscoverAccountsResultDto> {
    const region = req.region ?? this.access.homeRegion;
    const self = await this.selfAccountId(region);
    let found: OrganizationAccount[];
    try {
      found = await listOrganizationAccounts({ credentials: this.credentials.forAccount({ account_id: self ?? '' }, region), region, endpoint: this.credentials.endpoint, roleName: req.role_name });
    } catch (e) {
      throw new AppException('ACCOUNT_DISCOVERY_FAILED', `AWS Organizations ListAccounts failed: ${(e as Error).message}`);
    }
    const out: DiscoveredAccountDto[] = [];
    let created = 0;
    for (const a of found) {
      const roleArn = a.account_id === self ? null : a.role_arn;
      if (a.status !== 'ACTIVE') {
        out.push({ account_id: a.account_id, name: a.name, outcome: 'skipped', role_arn: roleArn });
        continue;
      }
      if (await this.repo.findById(a.account_id)) {
        out.push({ account_id: a.account_id, name: a.name, outcome: 'exists', role_arn: roleArn });
        continue;
      }
      const row = newAccountRow({
        account_id: a.account_id,
        name: a.name.slice(0, 128) || a.account_id,
        role_arn: roleArn,
        external_id: roleArn ? (req.external_id ?? null) : null,
        regions: req.regions ?? '*',
        tags: {},
        sync_interval_minutes: req.sync_interval_minutes ?? 60,
        enabled: req.enabled ?? true,
      });
      try {
        await this.repo.insert(row, [domainEvent(EventSubjects.FleetAccountCreated, { account: toAccountDto(row) }, row.account_id)]);
      } catch (e) {
        if (e instanceof AppException && e.code === 'ACCOUNT_EXISTS') {
          out.push({ account_id: a.account_id, name: a.name, outcome: 'exists', role_arn: roleArn });
          continue;
        }
        throw e;
      }
      created++;
      out.push({ account_id: a.account_id, name: a.name, outcome: 'created', role_arn: roleArn });
      // Access is checked in the background (and again at each sync): an organization can have hundreds of accounts.
      void this.access.check(row).catch((e) => this.logger.error(`access check of ${row.account_id} failed: ${(e as Error).message}`));
    }
    return { accounts: out, created };
  }

  private async selfAccountId(region: string): Promise<string | undefined> {
    const sts = new STSClient({ ...this.credentials.clientConfig({ account_id: '' }, region), maxAttempts: 2 });
    try {
      return (await sts.send(new GetCallerIdentityCommand({}))).Account;
    } catch (e) {
      throw new AppException('ACCOUNT_DISCOVERY_FAILED', `The service's own AWS credentials do not work: ${(e as Error).message}`);
    } finally {
      sts.destroy();
    }
  }
}
