import { IntegrationTypeDto } from '@app/contracts';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ConnectorRegistry } from '../../../connectors';
import { ListIntegrationTypesQuery } from './list-integration-types.query';

/** The registered integration types with the directions and auth types each supports. */
@QueryHandler(ListIntegrationTypesQuery)
export class ListIntegrationTypesHandler implements IQueryHandler<ListIntegrationTypesQuery, IntegrationTypeDto[]> {
  constructor(private readonly registry: ConnectorRegistry) {}

  async execute(): Promise<IntegrationTypeDto[]> {
    return this.registry.list().map((p) => ({ type: p.type, description: p.description, directions: p.directions, auth_types: p.authTypes }));
  }
}
