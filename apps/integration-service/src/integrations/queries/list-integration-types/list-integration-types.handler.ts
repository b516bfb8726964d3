import { IntegrationTypeDto } from '@app/contracts';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ConnectorRegistry } from '../../../connectors';
import { ListIntegrationTypesQuery } from './list-integration-types.query';

/** The registered integration types with the directions and auth types each supports, and their connection settings. */
@QueryHandler(ListIntegrationTypesQuery)
export class ListIntegrationTypesHandler implements IQueryHandler<ListIntegrationTypesQuery> {
  constructor(private readonly registry: ConnectorRegistry) {}

  async execute(): Promise<IntegrationTypeDto[]> {
    return this.registry.list().map((p) => ({
      type: p.type,
      description: p.description,
      directions: p.directions,
      auth_types: p.authTypes,
      connection_fields: p.connectionFields.map((f) => ({
        name: f.name,
        label: f.label,
        kind: f.kind,
        description: f.description,
        required_for: [...(f.requiredFor ?? [])],
        directions: [...(f.directions ?? [])],
        options: [...(f.options ?? [])],
        placeholder: f.placeholder ?? null,
      })),
    }));
  }
}
