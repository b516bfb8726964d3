import { EventSubjects, IntegrationUpdatedData, PublicIntegration } from '@app/contracts';
import { OutboxEvent } from '@app/persistence';

export function integrationUpdatedEvent(integration: PublicIntegration, changedFields: string[]): OutboxEvent<IntegrationUpdatedData> {
  return { type: EventSubjects.IntegrationUpdated, subject: integration.id, data: { integration, changed_fields: changedFields } };
}
