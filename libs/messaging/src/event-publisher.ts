import { AnyDomainEvent, createCloudEvent } from '@app/contracts';
import { currentCorrelationId, eventsPublished, normaliseCorrelationId } from '@app/observability';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { MESSAGE_BUS, MessageBus } from './message-bus';

export const APP_NAME = Symbol('APP_NAME');

/**
 * Publishes a domain event (built with `domainEvent()`) directly, as a CloudEvent from this app with the current
 * correlation id: for best-effort notifications whose record is elsewhere. Events that report a change go through
 * the outbox with that change instead (docs/decisions.md D10).
 */
@Injectable()
export class EventPublisher {
  private readonly logger = new Logger(EventPublisher.name);

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(APP_NAME) private readonly app: string,
  ) {}

  async publish({ type, data, subject, id }: AnyDomainEvent): Promise<void> {
    const event = createCloudEvent({ type, source: `/aws-mcp-server/${this.app}`, data, subject, id, correlationId: currentCorrelationId() ?? normaliseCorrelationId(undefined) });
    await this.bus.publish(event);
    eventsPublished.inc({ app: this.app, type });
    this.logger.debug(`published ${type} ${event.id}`);
  }
}
