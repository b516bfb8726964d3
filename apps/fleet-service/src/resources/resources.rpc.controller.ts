import { ListResourceChangesQuery as ListResourceChangesRequest, ListResourcesQuery as ListResourcesRequest, ResourceArnRequest, ResourceChangePageDto, ResourceDto, ResourcePageDto, ResourceSummaryDto, ResourceSummaryQuery as ResourceSummaryRequest, RpcSubjects } from '@app/contracts';
import { OnMessage } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { GetResourceQuery } from './queries/get-resource/get-resource.query';
import { ListResourceChangesQuery } from './queries/list-resource-changes/list-resource-changes.query';
import { ListResourcesQuery } from './queries/list-resources/list-resources.query';
import { ResourceSummaryQuery } from './queries/resource-summary/resource-summary.query';

/** The resource registry's queries over NATS. */
@Controller()
export class ResourcesRpcController {
  constructor(private readonly queries: QueryBus) {}

  @OnMessage(RpcSubjects.FleetResourceList)
  list(req: ListResourcesRequest): Promise<ResourcePageDto> {
    return this.queries.execute(new ListResourcesQuery(req));
  }

  @OnMessage(RpcSubjects.FleetResourceGet)
  get(req: ResourceArnRequest): Promise<ResourceDto> {
    return this.queries.execute(new GetResourceQuery(req.arn));
  }

  @OnMessage(RpcSubjects.FleetResourceSummary)
  summary(req: ResourceSummaryRequest): Promise<ResourceSummaryDto> {
    return this.queries.execute(new ResourceSummaryQuery(req));
  }

  @OnMessage(RpcSubjects.FleetResourceChanges)
  changes(req: ListResourceChangesRequest): Promise<ResourceChangePageDto> {
    return this.queries.execute(new ListResourceChangesQuery(req));
  }
}
