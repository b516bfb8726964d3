import { ListResourceChangesQuery, ListResourcesQuery, ResourceChangePageDto, ResourceDto, ResourcePageDto, ResourceSummaryDto, ResourceSummaryQuery, RpcSubjects } from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';

/** The resource registry, for every door. */
@Injectable()
export class ResourcesService {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  list(query: ListResourcesQuery): Promise<ResourcePageDto> {
    return this.bus.request(RpcSubjects.FleetResourceList, query);
  }

  summary(query: ResourceSummaryQuery): Promise<ResourceSummaryDto> {
    return this.bus.request(RpcSubjects.FleetResourceSummary, query);
  }

  changes(query: ListResourceChangesQuery): Promise<ResourceChangePageDto> {
    return this.bus.request(RpcSubjects.FleetResourceChanges, query);
  }

  get(arn: string): Promise<ResourceDto> {
    return this.bus.request(RpcSubjects.FleetResourceGet, { arn });
  }
}
