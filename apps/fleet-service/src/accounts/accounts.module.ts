import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AccountAccessService } from './account-access.service';
import { AccountsRpcController } from './accounts.rpc.controller';
import { ACCOUNTS_REPOSITORY, TypeOrmAccountsRepository } from './accounts.repository';
import { CreateAccountHandler } from './commands/create-account/create-account.handler';
import { DeleteAccountHandler } from './commands/delete-account/delete-account.handler';
import { DiscoverAccountsHandler } from './commands/discover-accounts/discover-accounts.handler';
import { UpdateAccountHandler } from './commands/update-account/update-account.handler';
import { GetAccountHandler } from './queries/get-account/get-account.handler';
import { ListAccountsHandler } from './queries/list-accounts/list-accounts.handler';

@Module({
  imports: [CqrsModule],
  controllers: [AccountsRpcController],
  providers: [
    { provide: ACCOUNTS_REPOSITORY, useClass: TypeOrmAccountsRepository },
    AccountAccessService,
    CreateAccountHandler,
    UpdateAccountHandler,
    DeleteAccountHandler,
    DiscoverAccountsHandler,
    GetAccountHandler,
    ListAccountsHandler,
  ],
  exports: [ACCOUNTS_REPOSITORY, AccountAccessService],
})
export class AccountsModule {}
