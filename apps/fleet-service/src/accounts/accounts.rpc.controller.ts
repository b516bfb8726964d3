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
export class AccountsRpcController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @OnMessage(RpcSubjects.FleetAccountCreate)
  create(req: CreateAccountRequest): Promise<AccountDto> {
    return this.commands.execute(new CreateAccountCommand(req));
  }

  @OnMessage(RpcSubjects.FleetAccountUpdate)
  update(req: UpdateAccountRequest): Promise<AccountDto> {
    return this.commands.execute(new UpdateAccountCommand(req));
  }

  @OnMessage(RpcSubjects.FleetAccountDelete)
  async delete(req: AccountIdRequest): Promise<{ deleted: true }> {
    await this.commands.execute(new DeleteAccountCommand(req.account_id));
    return { deleted: true };
  }

  @OnMessage(RpcSubjects.FleetAccountGet)
  get(req: AccountIdRequest): Promise<AccountDto> {
    return this.queries.execute(new GetAccountQuery(req.account_id));
  }

  @OnMessage(RpcSubjects.FleetAccountList)
  list(req: ListAccountsRequest): Promise<AccountPageDto> {
    return this.queries.execute(new ListAccountsQuery(req));
  }

  @OnMessage(RpcSubjects.FleetAccountDiscover)
  discover(req: DiscoverAccountsRequest): Promise<DiscoverAccountsResultDto> {
    return this.commands.execute(new DiscoverAccountsCommand(req));
  }
}
