import { SyncAcceptedDto, SyncStatus } from '@app/contracts';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { SyncRunner } from '../../sync.runner';
import { StartSyncCommand } from './start-sync.command';

/** Records the run and answers at once (202); the tasks run in the background. */
@CommandHandler(StartSyncCommand)
export class StartSyncHandler implements ICommandHandler<StartSyncCommand> {
  constructor(private readonly runner: SyncRunner) {}

  async execute({ request, trigger }: StartSyncCommand): Promise<SyncAcceptedDto> {
    const { run } = await this.runner.start(request, trigger);
    return { id: run.id, status: SyncStatus.Running, location: `/api/v1/inventory/sync/${run.id}` };
  }
}
