import { StartSyncRequest, SyncTrigger } from '@app/contracts';

export class StartSyncCommand {
  constructor(
    readonly request: StartSyncRequest,
    readonly trigger: SyncTrigger,
  ) {}
}
