import { AppException, CommandDto, CommandStatus } from '@app/contracts';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { FLEET_COMMANDS_REPOSITORY, FleetCommandsRepository } from '../../fleet-commands.repository';
import { toCommandDto } from '../../fleet-command.mapper';
import { CommandRunner } from '../../run/command.runner';
import { CancelCommandCommand } from './cancel-command.command';

/**
 * Records the cancel on the job, and aborts it here when this instance runs it; another replica running it
 * sees the request at its next heartbeat (2 s). Running targets end CANCELLED, pending ones too.
 */
@CommandHandler(CancelCommandCommand)
export class CancelCommandHandler implements ICommandHandler<CancelCommandCommand> {
  private readonly logger = new Logger(CancelCommandHandler.name);

  constructor(
    @Inject(FLEET_COMMANDS_REPOSITORY) private readonly repo: FleetCommandsRepository,
    private readonly runner: CommandRunner,
  ) {}

  async execute({ id, requestedBy }: CancelCommandCommand): Promise<CommandDto> {
    const job = await this.repo.findJob(id);
    if (!job) throw new AppException('COMMAND_NOT_FOUND', `No fleet command ${id}`);
    if (job.status !== CommandStatus.InProgress || !(await this.repo.requestCancel(id, requestedBy.name))) {
      throw new AppException('COMMAND_NOT_RUNNING', `Command ${id} has already finished (${job.status})`);
    }
    this.logger.log(`command ${id}: cancel requested by ${requestedBy.name} (${requestedBy.role})`);
    this.runner.cancel(id);
    const fresh = (await this.repo.findJob(id)) ?? job;
    return toCommandDto(fresh, (await this.repo.counts([id])).get(id) ?? {});
  }
}
