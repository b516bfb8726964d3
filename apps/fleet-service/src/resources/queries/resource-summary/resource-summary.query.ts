import { ResourceSummaryQuery as ResourceSummaryRequest } from '@app/contracts';

export class ResourceSummaryQuery {
  constructor(readonly request: ResourceSummaryRequest) {}
}
