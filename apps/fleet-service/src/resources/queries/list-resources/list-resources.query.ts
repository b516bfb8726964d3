import { ListResourcesQuery as ListResourcesRequest, ResourcePageDto } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class ListResourcesQuery extends Query<ResourcePageDto> {
  constructor(readonly request: ListResourcesRequest) {
    super();
  }
}
