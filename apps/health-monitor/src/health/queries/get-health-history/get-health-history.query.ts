import { HealthCheckOutcome } from '@app/contracts';

export class GetHealthHistoryQuery {
  constructor(
    readonly integrationId: string,
    readonly limit: number,
    readonly cursor: string | undefined,
    readonly outcome: HealthCheckOutcome | undefined,
  ) {}
}
