import { createHash } from 'node:crypto';
import { CloudEvent, createCloudEvent, INBOUND_EVENT_TYPE, inboundSubject, InboundReceivedData } from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { currentCorrelationId } from '@app/observability';
import { Inject, Injectable } from '@nestjs/common';
import { InboundMessage } from '../connectors';
import { INBOUND_REPOSITORY, InboundRepository } from './inbound.repository';

/** Messages kept per integration (the recent list, and the dedup record beyond JetStream's window). */
const INBOUND_KEEP_PER_INTEGRATION = 1000;
/** A payload larger than this is stored in the recent list as a stub; the published event carries it whole. */
const STORED_PAYLOAD_BYTES = 64 * 1024;

export interface InboundSource {
  id: string;
  name: string;
  type: string;
}

/**
 * The event id of a source message: a UUID (v5 layout) from SHA-256 of the integration id and the source's message
 * id. The same message received again (redelivered, polled by a replica that took over, a retried webhook) gets the
 * same id, which JetStream's Nats-Msg-Id window and the inbound_messages record both drop.
 */
export function inboundEventId(integrationId: string, messageId: string): string {
  const h = createHash('sha256').update(`${integrationId}\n${messageId}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** A message without an id of its own is identified by its content. */
function messageIdOf(m: InboundMessage): string {
  if (m.id) return m.id;
  return 'sha256:' + createHash('sha256').update(JSON.stringify(m.data ?? null)).digest('hex');
}

/** Publishes what inbound connectors receive as CloudEvents on integration.inbound.<id>, once per source message. */
@Injectable()
export class InboundPublisher {
  private recorded = 0;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(INBOUND_REPOSITORY) private readonly repo: InboundRepository,
  ) {}

  /**
   * Resolves once the event is stored by the bus (JetStream ack) and recorded, so that the connector acknowledges
   * or deletes the source message only then. Rejects otherwise: the source keeps the message and offers it again.
   */
  async publish(source: InboundSource, message: InboundMessage): Promise<CloudEvent<InboundReceivedData>> {
    const messageId = messageIdOf(message);
    const id = inboundEventId(source.id, messageId);
    const subject = inboundSubject(source.id);
    const event = createCloudEvent<InboundReceivedData>({
      id,
      type: INBOUND_EVENT_TYPE,
      source: `/aws-mcp-server/integration-service/integrations/${source.id}`,
      subject: source.id,
      correlationId: currentCorrelationId(),
      data: {
        integration_id: source.id,
        integration_name: source.name,
        integration_type: source.type,
        message_id: messageId,
        attributes: { ...(message.attributes ?? {}) },
        payload: message.data ?? null,
      },
    });
    // Published before: a repeat beyond the JetStream window is dropped here.
    if (await this.repo.seen(id)) return event;
    await this.bus.publish(event, subject);
    const stored = Buffer.byteLength(JSON.stringify(event.data.payload)) > STORED_PAYLOAD_BYTES ? { ...event, data: { ...event.data, payload: { truncated: true } } } : event;
    await this.repo.record({ eventId: id, integrationId: source.id, messageId, subject, event: stored as unknown as Record<string, unknown> });
    if (++this.recorded % 100 === 0) await this.repo.prune(source.id, INBOUND_KEEP_PER_INTEGRATION).catch(() => undefined);
    return event;
  }
}
