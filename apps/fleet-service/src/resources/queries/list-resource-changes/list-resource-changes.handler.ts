import { ResourceChangePageDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { RESOURCES_REPOSITORY, ResourcesRepository } from '../../resources.repository';
import { ListResourceChangesQuery } from './list-resource-changes.query';

/** Recorded changes, newest first; the cursor is the last id of the page (keyset on the primary key). */
@QueryHandler(ListResourceChangesQuery)
export class ListResourceChangesHandler implements IQueryHandler<ListResourceChangesQuery> {
  constructor(@Inject(RESOURCES_REPOSITORY) private readonly repo: ResourcesRepository) {}

  async execute({ request: q }: ListResourceChangesQuery): Promise<ResourceChangePageDto> {
    const limit = q.limit ?? 50;
    const rows = await this.repo.changes({ arn: q.arn, accountId: q.account_id }, { limit: limit + 1, beforeId: q.cursor });
    const items = rows.slice(0, limit).map((r) => ({ ...r, at: r.at.toISOString() }));
    return { items, limit, next_cursor: rows.length > limit ? items[items.length - 1].id : null };
  }
}
