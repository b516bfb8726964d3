import { EventSubjects, IntegrationCreatedData, PublicIntegration } from '@app/contracts';
import { OutboxEvent } from '@app/persistence';

/** The integration as created, without secrets. */
export function integrationCreatedEvent(integration: PublicIntegration): OutboxEvent<IntegrationCreatedData> {
  return { type: EventSubjects.IntegrationCreated, subject: integration.id, data: { integration } };
}
