import { GetHealthHistoryRequest, GetIntegrationHealthRequest, HealthHistoryPageDto, IntegrationHealthDto, RpcSubjects, validateInto } from '@app/contracts';
import { OnMessage } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { GetHealthHistoryQuery } from './queries/get-health-history/get-health-history.query';
import { GetIntegrationHealthQuery } from './queries/get-integration-health/get-integration-health.query';

const DEFAULT_LIMIT = 50;

/** Integration health over NATS, validated with the same contract classes as the gateway. */
@Controller()
export class HealthController {
  constructor(private readonly queries: QueryBus) {}

  @OnMessage(RpcSubjects.HealthGet)
  get(payload: unknown): Promise<IntegrationHealthDto> {
    return this.queries.execute(new GetIntegrationHealthQuery(validateInto(GetIntegrationHealthRequest, payload).id.toLowerCase()));
  }

  @OnMessage(RpcSubjects.HealthHistory)
  history(payload: unknown): Promise<HealthHistoryPageDto> {
    const q = validateInto(GetHealthHistoryRequest, payload, 'query');
    return this.queries.execute(new GetHealthHistoryQuery(q.id.toLowerCase(), q.limit ?? DEFAULT_LIMIT, q.cursor, q.outcome));
  }
}
