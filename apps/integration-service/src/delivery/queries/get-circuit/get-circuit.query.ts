import { CircuitDto } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class GetCircuitQuery extends Query<CircuitDto> {
  constructor(readonly integrationId: string) {
    super();
  }
}
