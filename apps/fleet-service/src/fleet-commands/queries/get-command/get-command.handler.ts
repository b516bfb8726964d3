import { AppException, CommandDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { FLEET_COMMANDS_REPOSITORY, FleetCommandsRepository } from '../../fleet-commands.repository';
import { toCommandDto } from '../../fleet-command.mapper';
import { GetCommandQuery } from './get-command.query';

@QueryHandler(GetCommandQuery)
export class GetCommandHandler implements IQueryHandler<GetCommandQuery> {
  constructor(@Inject(FLEET_COMMANDS_REPOSITORY) private readonly repo: FleetCommandsRepository) {}

  async execute({ id }: GetCommandQuery): Promise<CommandDto> {
    const job = await this.repo.findJob(id);
    if (!job) throw new AppException('COMMAND_NOT_FOUND', `No fleet command ${id}`);
    return toCommandDto(job, (await this.repo.counts([id])).get(id) ?? {});
  }
}
