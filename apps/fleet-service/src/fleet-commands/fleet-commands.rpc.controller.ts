import {
  CancelCommandRequest,
  CheckCommandRequest,
  CommandCheckDto,
  CommandAcceptedDto,
  CommandDryRunDto,
  CommandDto,
  CommandIdRequest,
  CommandOutputFirstPart,
  CommandOutputPart,
  CommandPageDto,
  CommandResultPageDto,
  CommandTargetRequest,
  ListCommandResultsRequest,
  ListCommandsQuery as ListCommandsRequest,
  RpcSubjects,
  RunCommandRequest,
} from '@app/contracts';
import { OnMessage } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { CancelCommandCommand } from './commands/cancel-command/cancel-command.command';
import { RunCommandCommand } from './commands/run-command/run-command.command';
import { GetCommandOutputQuery } from './queries/get-command-output/get-command-output.query';
import { GetCommandQuery } from './queries/get-command/get-command.query';
import { CheckCommandQuery } from './queries/check-command/check-command.query';
import { ListCommandResultsQuery } from './queries/list-command-results/list-command-results.query';
import { ListCommandsQuery } from './queries/list-commands/list-commands.query';

/** Fleet commands over NATS, validated with the same contract classes as the gateway. */
@Controller()
export class FleetCommandsRpcController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @OnMessage(RpcSubjects.FleetCommandRun)
  run(req: RunCommandRequest): Promise<CommandAcceptedDto | CommandDryRunDto> {
    return this.commands.execute(new RunCommandCommand(req));
  }

  @OnMessage(RpcSubjects.FleetCommandCancel)
  cancel(req: CancelCommandRequest): Promise<CommandDto> {
    return this.commands.execute(new CancelCommandCommand(req.id, req.requested_by));
  }

  @OnMessage(RpcSubjects.FleetCommandGet)
  get(req: CommandIdRequest): Promise<CommandDto> {
    return this.queries.execute(new GetCommandQuery(req.id));
  }

  @OnMessage(RpcSubjects.FleetCommandList)
  list(req: ListCommandsRequest): Promise<CommandPageDto> {
    return this.queries.execute(new ListCommandsQuery(req));
  }

  @OnMessage(RpcSubjects.FleetCommandResults)
  results(req: ListCommandResultsRequest): Promise<CommandResultPageDto> {
    return this.queries.execute(new ListCommandResultsQuery(req));
  }

  @OnMessage(RpcSubjects.FleetCommandResult)
  result(req: CommandTargetRequest): Promise<CommandOutputFirstPart | CommandOutputPart> {
    return this.queries.execute(new GetCommandOutputQuery(req.id, req.account_id, req.region, req.stream ? { stream: req.stream, offset: req.offset ?? 0 } : undefined));
  }

  @OnMessage(RpcSubjects.FleetCommandCheck)
  check(req: CheckCommandRequest): Promise<CommandCheckDto> {
    return this.queries.execute(new CheckCommandQuery(req));
  }
}
