import { IntegrationPageDto, ListIntegrationsQuery as ListIntegrationsRequest } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class ListIntegrationsQuery extends Query<IntegrationPageDto> {
  constructor(readonly request: ListIntegrationsRequest) {
    super();
  }
}
