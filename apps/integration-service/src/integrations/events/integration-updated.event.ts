import { PublicIntegration } from '@app/contracts';

export class IntegrationUpdatedEvent {
  constructor(
    readonly integration: PublicIntegration,
    readonly changedFields: string[],
  ) {}
}
