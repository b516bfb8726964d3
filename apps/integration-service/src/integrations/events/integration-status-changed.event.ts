import { EventSubjects, IntegrationStatusChangedData, PublicIntegration } from '@app/contracts';
import { OutboxEvent } from '@app/persistence';

/** The status change, and the integration as it now is (projections such as health-monitor's schedule follow it). */
export function integrationStatusChangedEvent(change: IntegrationStatusChangedData, integration: PublicIntegration): OutboxEvent<IntegrationStatusChangedData & { integration: PublicIntegration }> {
  return { type: EventSubjects.IntegrationStatusChanged, subject: change.id, data: { ...change, integration } };
}
