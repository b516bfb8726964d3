import { AppException, CommandOutputDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { FLEET_COMMANDS_REPOSITORY, FleetCommandsRepository } from '../../fleet-commands.repository';
import { toOutputDto } from '../../fleet-command.mapper';
import { GetCommandOutputQuery } from './get-command-output.query';

@QueryHandler(GetCommandOutputQuery)
export class GetCommandOutputHandler implements IQueryHandler<GetCommandOutputQuery, CommandOutputDto> {
  constructor(@Inject(FLEET_COMMANDS_REPOSITORY) private readonly repo: FleetCommandsRepository) {}

  async execute({ id, accountId, region }: GetCommandOutputQuery): Promise<CommandOutputDto> {
    if (!(await this.repo.findJob(id))) throw new AppException('COMMAND_NOT_FOUND', `No fleet command ${id}`);
    const found = await this.repo.findResult(id, accountId, region);
    if (!found) throw new AppException('COMMAND_RESULT_NOT_FOUND', `Command ${id} has no target ${accountId}/${region}`);
    return toOutputDto(found.result, found.output);
  }
}
