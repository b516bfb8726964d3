import { EventPublisher } from '@app/messaging';
import { Logger } from '@nestjs/common';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { FleetCommandEvent } from './fleet-command.event';

/** Publishes fleet.command.* events; they carry ids, statuses and counts, never output or credentials. */
@EventsHandler(FleetCommandEvent)
export class FleetCommandEventsHandler implements IEventHandler<FleetCommandEvent> {
  private readonly logger = new Logger(FleetCommandEventsHandler.name);

  constructor(private readonly publisher: EventPublisher) {}

  async handle(event: FleetCommandEvent): Promise<void> {
    try {
      await this.publisher.publish(event.type, event.data, { subject: event.subject });
    } catch (e) {
      this.logger.error(`could not publish ${event.type} for ${event.subject}: ${(e as Error).message}`);
    }
  }
}
