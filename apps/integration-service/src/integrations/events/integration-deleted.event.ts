import { EventSubjects, IntegrationDeletedData } from '@app/contracts';
import { OutboxEvent } from '@app/persistence';

export function integrationDeletedEvent(data: IntegrationDeletedData): OutboxEvent<IntegrationDeletedData> {
  return { type: EventSubjects.IntegrationDeleted, subject: data.id, data };
}
