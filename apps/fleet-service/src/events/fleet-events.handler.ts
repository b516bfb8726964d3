import { EventPublisher } from '@app/messaging';
import { Logger } from '@nestjs/common';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { FleetDomainEvent } from './fleet-domain.event';

/** Publishes fleet-service's domain events (accounts, sync runs) to NATS; payloads never carry external ids. */
@EventsHandler(FleetDomainEvent)
export class FleetEventsHandler implements IEventHandler<FleetDomainEvent> {
  private readonly logger = new Logger(FleetEventsHandler.name);

  constructor(private readonly publisher: EventPublisher) {}

  async handle(event: FleetDomainEvent): Promise<void> {
    try {
      await this.publisher.publish(event.type, event.data, { subject: event.subject });
    } catch (e) {
      this.logger.error(`could not publish ${event.type} for ${event.subject}: ${(e as Error).message}`);
    }
  }
}
