import { APP_CONFIG, AppConfig } from '@app/config';
import { CommandPolicy } from '@app/cli-executor';
import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { FleetAwsModule } from '../aws/fleet-aws.module';
import { COMMAND_ACCOUNTS_READER, TypeOrmCommandAccountsReader } from './command-accounts.reader';
import { CancelCommandHandler } from './commands/cancel-command/cancel-command.handler';
import { RunCommandHandler } from './commands/run-command/run-command.handler';
import { FLEET_COMMANDS_REPOSITORY, TypeOrmFleetCommandsRepository } from './fleet-commands.repository';
import { FleetCommandsRpcController } from './fleet-commands.rpc.controller';
import { GetCommandOutputHandler } from './queries/get-command-output/get-command-output.handler';
import { GetCommandHandler } from './queries/get-command/get-command.handler';
import { CheckCommandHandler } from './queries/check-command/check-command.handler';
import { ListCommandResultsHandler } from './queries/list-command-results/list-command-results.handler';
import { ListCommandsHandler } from './queries/list-commands/list-commands.handler';
import { AccountSlots } from './run/account-slots';
import { ACCOUNT_SLOTS, COMMAND_POLICY, CommandRunner } from './run/command.runner';

/** Fleet commands: AWS CLI commands across accounts × regions, policy-checked, rate-controlled, results per target. */
@Module({
  imports: [CqrsModule, FleetAwsModule],
  controllers: [FleetCommandsRpcController],
  providers: [
    // The deny list from config is compiled here, so a malformed rule stops the service at startup (DenyRuleConfigError names it).
    { provide: COMMAND_POLICY, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new CommandPolicy({ denyList: config.fleet.command_policy }) },
    { provide: ACCOUNT_SLOTS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new AccountSlots(config.fleet.commands_per_account_concurrency) },
    { provide: FLEET_COMMANDS_REPOSITORY, useClass: TypeOrmFleetCommandsRepository },
    { provide: COMMAND_ACCOUNTS_READER, useClass: TypeOrmCommandAccountsReader },
    CommandRunner,
    RunCommandHandler,
    CancelCommandHandler,
    GetCommandHandler,
    ListCommandsHandler,
    ListCommandResultsHandler,
    GetCommandOutputHandler,
    CheckCommandHandler,
  ],
})
export class FleetCommandsModule {}
