import { IntegrationHealthDto } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class GetIntegrationHealthQuery extends Query<IntegrationHealthDto> {
  constructor(readonly integrationId: string) {
    super();
  }
}
