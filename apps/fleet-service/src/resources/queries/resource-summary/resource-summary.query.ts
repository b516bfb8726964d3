import { ResourceSummaryDto, ResourceSummaryQuery as ResourceSummaryRequest } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class ResourceSummaryQuery extends Query<ResourceSummaryDto> {
  constructor(readonly request: ResourceSummaryRequest) {
    super();
  }
}
