import { AppException, IntegrationHealthDto, IntegrationHealthListDto } from '@app/contracts';
import { mapLimit } from '@app/platform';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { GetIntegrationHealthHandler } from '../get-integration-health/get-integration-health.handler';
import { GetIntegrationHealthQuery } from '../get-integration-health/get-integration-health.query';
import { ListIntegrationHealthQuery } from './list-integration-health.query';

/** Integrations read at once: a page of 100 is four queries each, and the pool is shared with the checks. */
const CONCURRENCY = 8;

/** One request for a page's health: each id as `rpc.health.get` answers it, an unknown one listed in `missing`. */
@QueryHandler(ListIntegrationHealthQuery)
export class ListIntegrationHealthHandler implements IQueryHandler<ListIntegrationHealthQuery> {
  constructor(private readonly one: GetIntegrationHealthHandler) {}

  async execute({ integrationIds }: ListIntegrationHealthQuery): Promise<IntegrationHealthListDto> {
    const ids = [...new Set(integrationIds)];
    const found = await mapLimit(ids, CONCURRENCY, (id) =>
      this.one.execute(new GetIntegrationHealthQuery(id)).catch((e: unknown): null => {
        if (e instanceof AppException && e.code === 'INTEGRATION_NOT_FOUND') return null;
        throw e;
      }),
    );
    return { items: found.filter((h): h is IntegrationHealthDto => h !== null), missing: ids.filter((_, i) => found[i] === null) };
  }
}
