import { IntegrationDto } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class GetIntegrationQuery extends Query<IntegrationDto> {
  constructor(readonly id: string) {
    super();
  }
}
