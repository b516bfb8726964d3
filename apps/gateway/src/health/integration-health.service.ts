import { HealthHistoryPageDto, HealthHistoryQuery, IntegrationHealthDto, IntegrationHealthListDto, RpcSubjects } from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';

/** Integration health from health-monitor, for every door. */
@Injectable()
export class IntegrationHealthService {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  get(id: string): Promise<IntegrationHealthDto> {
    return this.bus.request(RpcSubjects.HealthGet, { id });
  }

  /** Up to HEALTH_LIST_MAX_IDS integrations in one request; ids that name none come back in `missing`. */
  list(ids: string[]): Promise<IntegrationHealthListDto> {
    return this.bus.request(RpcSubjects.HealthList, { ids });
  }

  history(id: string, query: HealthHistoryQuery): Promise<HealthHistoryPageDto> {
    return this.bus.request(RpcSubjects.HealthHistory, { ...query, id });
  }
}
