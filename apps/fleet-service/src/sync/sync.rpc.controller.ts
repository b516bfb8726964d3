import { RpcSubjects, StartSyncRequest, SyncAcceptedDto, SyncIdRequest, SyncRunDto, SyncTrigger } from '@app/contracts';
import { OnMessage } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { StartSyncCommand } from './commands/start-sync/start-sync.command';
import { GetSyncQuery } from './queries/get-sync/get-sync.query';

/** On-demand syncs and their progress over NATS. */
@Controller()
export class SyncRpcController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @OnMessage(RpcSubjects.FleetSyncStart)
  start(req: StartSyncRequest): Promise<SyncAcceptedDto> {
    return this.commands.execute(new StartSyncCommand(req, SyncTrigger.Manual));
  }

  @OnMessage(RpcSubjects.FleetSyncGet)
  get(req: SyncIdRequest): Promise<SyncRunDto> {
    return this.queries.execute(new GetSyncQuery(req.id));
  }
}
