import { AppException, CommandResultPageDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { FLEET_COMMANDS_REPOSITORY, FleetCommandsRepository } from '../../fleet-commands.repository';
import { toResultDto } from '../../fleet-command.mapper';
import { ListCommandResultsQuery } from './list-command-results.query';

/** Targets in expansion order, each with a ≤ 4 KB preview of its output; the cursor is the last target's position. */
@QueryHandler(ListCommandResultsQuery)
export class ListCommandResultsHandler implements IQueryHandler<ListCommandResultsQuery> {
  constructor(@Inject(FLEET_COMMANDS_REPOSITORY) private readonly repo: FleetCommandsRepository) {}

  async execute({ request }: ListCommandResultsQuery): Promise<CommandResultPageDto> {
    if (!(await this.repo.findJob(request.id))) throw new AppException('COMMAND_NOT_FOUND', `No fleet command ${request.id}`);
    const limit = request.limit ?? 100;
    let afterSeq: number | undefined;
    if (request.cursor) {
      const decoded = Buffer.from(request.cursor, 'base64url').toString('utf8');
      if (!/^s\d{1,9}$/.test(decoded)) throw new AppException('COMMAND_INVALID_CURSOR', 'cursor is not one this API returned', { errors: [{ field: 'cursor', message: 'invalid cursor' }] });
      afterSeq = Number(decoded.slice(1));
    }
    const { items, total } = await this.repo.listResults(request.id, { status: request.status }, { limit: limit + 1, afterSeq });
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toResultDto),
      limit,
      total,
      next_cursor: items.length > limit && last ? Buffer.from(`s${last.seq}`).toString('base64url') : null,
    };
  }
}
