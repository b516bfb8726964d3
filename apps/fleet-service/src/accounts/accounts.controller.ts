import {
  AccountDto,
  AccountIdRequest,
  AccountPageDto,
  CreateAccountRequest,
  DiscoverAccountsRequest,
  DiscoverAccountsResultDto,
  ListAccountsQuery as ListAccountsRequest,
  RpcSubjects,
  UpdateAccountRequest,
  validateInto,
} from '@app/contracts';
import { OnMessage } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { CreateAccountCommand } from './commands/create-account/create-account.command';
import { DeleteAccountCommand } from './commands/delete-account/delete-account.command';
import { DiscoverAccountsCommand } from './commands/discover-accounts/discover-accounts.command';
import { UpdateAccountCommand } from './commands/update-account/update-account.command';
import { GetAccountQuery } from './queries/get-account/get-account.query';
import { ListAccountsQuery } from './queries/list-accounts/list-accounts.query';

/** AWS accounts over NATS, validated with the same contract classes as the gateway. */
@Controller()
export class AccountsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @OnMessage(RpcSubjects.FleetAccountCreate)
  create(payload: unknown): Promise<AccountDto> {
    return this.commands.execute(new CreateAccountCommand(validateInto(CreateAccountRequest, payload, 'account')));
  }

  @OnMessage(RpcSubjects.FleetAccountUpdate)
  update(payload: unknown): Promise<AccountDto> {
    return this.commands.execute(new UpdateAccountCommand(validateInto(UpdateAccountRequest, payload, 'account')));
  }

  @OnMessage(RpcSubjects.FleetAccountDelete)
  async delete(payload: unknown): Promise<{ deleted: true }> {
    await this.commands.execute(new DeleteAccountCommand(validateInto(AccountIdRequest, payload).account_id));
    return { deleted: true };
  }

  @OnMessage(RpcSubjects.FleetAccountGet)
  get(payload: unknown): Promise<AccountDto> {
    return this.queries.execute(new GetAccountQuery(validateInto(AccountIdRequest, payload).account_id));
  }

  @OnMessage(RpcSubjects.FleetAccountList)
  list(payload: unknown): Promise<AccountPageDto> {
    return this.queries.execute(new ListAccountsQuery(validateInto(ListAccountsRequest, payload, 'query')));
  }

  @OnMessage(RpcSubjects.FleetAccountDiscover)
  discover(payload: unknown): Promise<DiscoverAccountsResultDto> {
    return this.commands.execute(new DiscoverAccountsCommand(validateInto(DiscoverAccountsRequest, payload, 'request')));
  }
}
