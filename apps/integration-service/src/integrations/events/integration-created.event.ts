import { PublicIntegration } from '@app/contracts';

export class IntegrationCreatedEvent {
  constructor(readonly integration: PublicIntegration) {}
}
