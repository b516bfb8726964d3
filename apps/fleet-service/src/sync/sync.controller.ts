import { RpcSubjects, StartSyncRequest, SyncAcceptedDto, SyncIdRequest, SyncRunDto, SyncTrigger, validateInto } from '@app/contracts';
import { OnMessage } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { StartSyncCommand } from './commands/start-sync/start-sync.command';
import { GetSyncQuery } from './queries/get-sync/get-sync.query';

/** On-demand syncs and their progress over NATS. */
@Controller()
export class SyncController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @OnMessage(RpcSubjects.FleetSyncStart)
  start(payload: unknown): Promise<SyncAcceptedDto> {
    return this.commands.execute(new StartSyncCommand(validateInto(StartSyncRequest, payload, 'request'), SyncTrigger.Manual));
  }

  @OnMessage(RpcSubjects.FleetSyncGet)
  get(payload: unknown): Promise<SyncRunDto> {
    return this.queries.execute(new GetSyncQuery(validateInto(SyncIdRequest, payload).id));
  }
}
