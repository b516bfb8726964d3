import { ResourceSummaryDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { RESOURCES_REPOSITORY, ResourcesRepository } from '../../resources.repository';
import { ResourceSummaryQuery } from './resource-summary.query';

@QueryHandler(ResourceSummaryQuery)
export class ResourceSummaryHandler implements IQueryHandler<ResourceSummaryQuery> {
  constructor(@Inject(RESOURCES_REPOSITORY) private readonly repo: ResourcesRepository) {}

  async execute({ request: q }: ResourceSummaryQuery): Promise<ResourceSummaryDto> {
    const out: ResourceSummaryDto = { total: 0, by_type: {}, by_region: {}, by_account: {} };
    for (const row of await this.repo.summary({ accountId: q.account_id, includeRemoved: q.include_removed })) {
      if (row.dim === 'type') {
        out.by_type[row.key] = row.count;
        out.total += row.count;
      } else if (row.dim === 'region') out.by_region[row.key] = row.count;
      else out.by_account[row.key] = row.count;
    }
    return out;
  }
}
