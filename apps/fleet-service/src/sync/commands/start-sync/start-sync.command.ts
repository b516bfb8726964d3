import { StartSyncRequest, SyncAcceptedDto, SyncTrigger } from '@app/contracts';
import { Command } from '@nestjs/cqrs';

export class StartSyncCommand extends Command<SyncAcceptedDto> {
  constructor(
    readonly request: StartSyncRequest,
    readonly trigger: SyncTrigger,
  ) {
    super();
  }
}
