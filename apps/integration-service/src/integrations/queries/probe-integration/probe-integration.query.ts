import { ProbeResultDto } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class ProbeIntegrationQuery extends Query<ProbeResultDto> {
  constructor(readonly id: string) {
    super();
  }
}
