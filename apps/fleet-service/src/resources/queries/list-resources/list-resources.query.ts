import { ListResourcesQuery as ListResourcesRequest } from '@app/contracts';

export class ListResourcesQuery {
  constructor(readonly request: ListResourcesRequest) {}
}
