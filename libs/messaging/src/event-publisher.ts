import { createCloudEvent } from '@app/contracts';
import { currentCorrelationId, eventsPublished, normaliseCorrelationId } from '@app/observability';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { MESSAGE_BUS, MessageBus } from './message-bus';

export const APP_NAME = Symbol('APP_NAME');

/** Publishes domain events as CloudEvents from this app, with the current correlation id. */
@Injectable()
export class EventPublisher {
  private readonly logger = new Logger(EventPublisher.name);

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(APP_NAME) private readonly app: string,
  ) {}

  async publish<T>(type: string, data: T, opts: { subject?: string; id?: string } = {}): Promise<void> {
    const event = createCloudEvent({ type, source: `/aws-mcp-server/${this.app}`, data, subject: opts.subject, id: opts.id, correlationId: currentCorrelationId() ?? normaliseCorrelationId(undefined) });
    await this.bus.publish(event);
    eventsPublished.inc({ app: this.app, type });
    this.logger.debug(`published ${type} ${event.id}`);
  }
}
