import { AccountDto, AccountPageDto, AccountSettingsDto, CreateAccountRequest, DiscoverAccountsRequest, DiscoverAccountsResultDto, ListAccountsQuery, RpcSubjects } from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';

/** AWS accounts of the fleet, for every door. Input arrives validated; fleet-service validates the account id. */
@Injectable()
export class AccountsService {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  create(body: CreateAccountRequest): Promise<AccountDto> {
    return this.bus.request(RpcSubjects.FleetAccountCreate, body);
  }

  discover(body: DiscoverAccountsRequest): Promise<DiscoverAccountsResultDto> {
    return this.bus.request(RpcSubjects.FleetAccountDiscover, body);
  }

  list(query: ListAccountsQuery): Promise<AccountPageDto> {
    return this.bus.request(RpcSubjects.FleetAccountList, query);
  }

  get(accountId: string): Promise<AccountDto> {
    return this.bus.request(RpcSubjects.FleetAccountGet, { account_id: accountId });
  }

  update(accountId: string, settings: AccountSettingsDto): Promise<AccountDto> {
    return this.bus.request(RpcSubjects.FleetAccountUpdate, { ...settings, account_id: accountId });
  }

  async delete(accountId: string): Promise<void> {
    await this.bus.request(RpcSubjects.FleetAccountDelete, { account_id: accountId });
  }
}
