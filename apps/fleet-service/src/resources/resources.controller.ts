import { ListResourceChangesQuery as ListResourceChangesRequest, ListResourcesQuery as ListResourcesRequest, ResourceArnRequest, ResourceChangePageDto, ResourceDto, ResourcePageDto, ResourceSummaryDto, ResourceSummaryQuery as ResourceSummaryRequest, RpcSubjects, validateInto } from '@app/contracts';
import { OnMessage } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { GetResourceQuery } from './queries/get-resource/get-resource.query';
import { ListResourceChangesQuery } from './queries/list-resource-changes/list-resource-changes.query';
import { ListResourcesQuery } from './queries/list-resources/list-resources.query';
import { ResourceSummaryQuery } from './queries/resource-summary/resource-summary.query';

/** The resource registry's queries over NATS. */
@Controller()
export class ResourcesController {
  constructor(private readonly queries: QueryBus) {}

  @OnMessage(RpcSubjects.FleetResourceList)
  list(payload: unknown): Promise<ResourcePageDto> {
    return this.queries.execute(new ListResourcesQuery(validateInto(ListResourcesRequest, payload, 'query')));
  }

  @OnMessage(RpcSubjects.FleetResourceGet)
  get(payload: unknown): Promise<ResourceDto> {
    return this.queries.execute(new GetResourceQuery(validateInto(ResourceArnRequest, payload).arn));
  }

  @OnMessage(RpcSubjects.FleetResourceSummary)
  summary(payload: unknown): Promise<ResourceSummaryDto> {
    return this.queries.execute(new ResourceSummaryQuery(validateInto(ResourceSummaryRequest, payload, 'query')));
  }

  @OnMessage(RpcSubjects.FleetResourceChanges)
  changes(payload: unknown): Promise<ResourceChangePageDto> {
    return this.queries.execute(new ListResourceChangesQuery(validateInto(ListResourceChangesRequest, payload, 'query')));
  }
}
