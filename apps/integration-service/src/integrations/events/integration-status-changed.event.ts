import { IntegrationStatusChangedData, PublicIntegration } from '@app/contracts';

export class IntegrationStatusChangedEvent {
  constructor(
    readonly data: IntegrationStatusChangedData,
    readonly integration: PublicIntegration,
  ) {}
}
