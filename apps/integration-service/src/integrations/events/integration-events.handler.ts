import { EventSubjects, IntegrationCreatedData, IntegrationDeletedData, IntegrationStatusChangedData, IntegrationUpdatedData } from '@app/contracts';
import { EventPublisher } from '@app/messaging';
import { Logger } from '@nestjs/common';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { IntegrationCreatedEvent } from './integration-created.event';
import { IntegrationDeletedEvent } from './integration-deleted.event';
import { IntegrationStatusChangedEvent } from './integration-status-changed.event';
import { IntegrationUpdatedEvent } from './integration-updated.event';

type DomainEvent = IntegrationCreatedEvent | IntegrationUpdatedEvent | IntegrationDeletedEvent | IntegrationStatusChangedEvent;

/** Carries the domain events of this service to NATS (JetStream) as CloudEvents, without secrets. */
@EventsHandler(IntegrationCreatedEvent, IntegrationUpdatedEvent, IntegrationDeletedEvent, IntegrationStatusChangedEvent)
export class IntegrationEventsHandler implements IEventHandler<DomainEvent> {
  private readonly logger = new Logger(IntegrationEventsHandler.name);

  constructor(private readonly publisher: EventPublisher) {}

  async handle(event: DomainEvent): Promise<void> {
    try {
      if (event instanceof IntegrationCreatedEvent) {
        await this.publisher.publish<IntegrationCreatedData>(EventSubjects.IntegrationCreated, { integration: event.integration }, { subject: event.integration.id });
      } else if (event instanceof IntegrationUpdatedEvent) {
        await this.publisher.publish<IntegrationUpdatedData>(EventSubjects.IntegrationUpdated, { integration: event.integration, changed_fields: event.changedFields }, { subject: event.integration.id });
      } else if (event instanceof IntegrationStatusChangedEvent) {
        // The status change, and the integration as it now is (projections such as health-monitor's schedule follow it).
        await this.publisher.publish<IntegrationStatusChangedData & { integration: IntegrationCreatedData['integration'] }>(
          EventSubjects.IntegrationStatusChanged,
          { ...event.data, integration: event.integration },
          { subject: event.data.id },
        );
      } else {
        await this.publisher.publish<IntegrationDeletedData>(EventSubjects.IntegrationDeleted, event.data, { subject: event.data.id });
      }
    } catch (e) {
      this.logger.error(`could not publish ${event.constructor.name}: ${(e as Error).message}`);
    }
  }
}
