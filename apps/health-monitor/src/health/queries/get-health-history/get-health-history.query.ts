import { HealthCheckOutcome, HealthHistoryPageDto } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class GetHealthHistoryQuery extends Query<HealthHistoryPageDto> {
  constructor(
    readonly integrationId: string,
    readonly limit: number,
    readonly cursor: string | undefined,
    readonly outcome: HealthCheckOutcome | undefined,
  ) {
    super();
  }
}
