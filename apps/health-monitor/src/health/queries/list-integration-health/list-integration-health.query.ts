import { IntegrationHealthListDto } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class ListIntegrationHealthQuery extends Query<IntegrationHealthListDto> {
  constructor(readonly integrationIds: string[]) {
    super();
  }
}
