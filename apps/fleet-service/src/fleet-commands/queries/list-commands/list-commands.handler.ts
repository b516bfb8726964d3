import { AppException, CommandPageDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { FLEET_COMMANDS_REPOSITORY, FleetCommandsRepository } from '../../fleet-commands.repository';
import { toCommandDto } from '../../fleet-command.mapper';
import { ListCommandsQuery } from './list-commands.query';

const CURSOR = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Newest first; the cursor is base64url of "<created_at>|<id>" of the last item. */
@QueryHandler(ListCommandsQuery)
export class ListCommandsHandler implements IQueryHandler<ListCommandsQuery> {
  constructor(@Inject(FLEET_COMMANDS_REPOSITORY) private readonly repo: FleetCommandsRepository) {}

  async execute({ request }: ListCommandsQuery): Promise<CommandPageDto> {
    const limit = request.limit ?? 50;
    let before: { createdAt: string; id: string } | undefined;
    if (request.cursor) {
      const m = CURSOR.exec(Buffer.from(request.cursor, 'base64url').toString('utf8'));
      if (!m || Number.isNaN(Date.parse(m[1]))) throw new AppException('COMMAND_INVALID_CURSOR', 'cursor is not one this API returned', { errors: [{ field: 'cursor', message: 'invalid cursor' }] });
      // Normalised, so that a day that does not exist (02-30) never reaches PostgreSQL as text.
      before = { createdAt: new Date(m[1]).toISOString(), id: m[2] };
    }
    const rows = await this.repo.listJobs({ status: request.status }, { limit: limit + 1, before });
    const items = rows.slice(0, limit);
    const counts = await this.repo.counts(items.map((j) => j.id));
    const last = items[items.length - 1];
    return {
      items: items.map((j) => toCommandDto(j, counts.get(j.id) ?? {})),
      limit,
      next_cursor: rows.length > limit && last ? Buffer.from(`${new Date(last.created_at).toISOString()}|${last.id}`).toString('base64url') : null,
    };
  }
}
