import { GetHealthHistoryRequest, GetIntegrationHealthRequest, HealthHistoryPageDto, IntegrationHealthDto, IntegrationHealthListDto, ListIntegrationHealthRequest, RpcSubjects } from '@app/contracts';
import { OnMessage } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { GetHealthHistoryQuery } from './queries/get-health-history/get-health-history.query';
import { GetIntegrationHealthQuery } from './queries/get-integration-health/get-integration-health.query';
import { ListIntegrationHealthQuery } from './queries/list-integration-health/list-integration-health.query';

const DEFAULT_LIMIT = 50;

/** Integration health over NATS, validated with the same contract classes as the gateway. */
@Controller()
export class HealthRpcController {
  constructor(private readonly queries: QueryBus) {}

  @OnMessage(RpcSubjects.HealthGet)
  get(req: GetIntegrationHealthRequest): Promise<IntegrationHealthDto> {
    return this.queries.execute(new GetIntegrationHealthQuery(req.id.toLowerCase()));
  }

  @OnMessage(RpcSubjects.HealthList)
  list(req: ListIntegrationHealthRequest): Promise<IntegrationHealthListDto> {
    return this.queries.execute(new ListIntegrationHealthQuery(req.ids.map((id) => id.toLowerCase())));
  }

  @OnMessage(RpcSubjects.HealthHistory)
  history(req: GetHealthHistoryRequest): Promise<HealthHistoryPageDto> {
    return this.queries.execute(new GetHealthHistoryQuery(req.id.toLowerCase(), req.limit ?? DEFAULT_LIMIT, req.cursor, req.outcome));
  }
}
