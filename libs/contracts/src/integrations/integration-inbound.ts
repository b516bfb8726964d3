import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBase64, IsInt, IsObject, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { Optional } from '../common/validators';

/**
 * Inbound integrations (INBOUND, BIDIRECTIONAL) put what they receive on NATS: one CloudEvent per source message
 * on `integration.inbound.<integration_id>` (inside the `integration.>` stream, so durable consumers catch up),
 * of type `integration.inbound.received`. The event id is derived from the integration id and the source's
 * message id, so a message received twice (redelivery, a second replica, a retried webhook) has the same id and
 * JetStream's Nats-Msg-Id window (and integration-service's own record) drops the repeat.
 */
export const INBOUND_SUBJECT_PREFIX = 'integration.inbound';
export const INBOUND_EVENT_TYPE = 'integration.inbound.received';

/** The subject an integration's inbound messages are published on. Subscribe to `integration.inbound.*` for all. */
export function inboundSubject(integrationId: string): string {
  return `${INBOUND_SUBJECT_PREFIX}.${integrationId}`;
}

/** `data` of an `integration.inbound.received` event. */
export interface InboundReceivedData {
  integration_id: string;
  integration_name: string;
  integration_type: string;
  /** The source's id of the message (webhook-id, SQS MessageId, Nats-Msg-Id or stream:seq, row cursor, file:line, item id). */
  message_id: string;
  /** Source metadata (SQS message attributes, NATS headers, file and line, ...). */
  attributes: Record<string, string>;
  /** The message itself: parsed JSON when it was JSON, otherwise the text. */
  payload: unknown;
}

/** Bodies above this are refused at the gateway with 413 (a webhook is a notification, not a file transfer). */
export const WEBHOOK_MAX_BODY_BYTES = 256 * 1024;

/** gateway → integration-service (`rpc.integration.hook`): one request to `POST /api/v1/hooks/{integration_id}`. */
export class InboundHookRequest {
  @IsUUID('all', { message: 'integration_id must be a UUID' })
  integration_id!: string;

  /** Request headers, names lower-case. */
  @IsObject()
  headers!: Record<string, string | string[]>;

  /** The raw body exactly as received, base64. */
  @IsBase64()
  @MaxLength(Math.ceil(WEBHOOK_MAX_BODY_BYTES / 3) * 4 + 4)
  body_base64!: string;
}

export class InboundHookResultDto {
  @ApiProperty({ description: 'Id of the CloudEvent published on integration.inbound.<integration_id>' })
  event_id!: string;

  @ApiProperty({ description: 'The NATS subject it was published on' })
  subject!: string;
}

/** Query of `GET /api/v1/integrations/{id}/inbound/recent`. */
export class InboundRecentQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @Optional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit?: number;
}

export class InboundRecentRequest extends InboundRecentQuery {
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}

/** One received message as `GET .../inbound/recent` lists it: the published CloudEvent and when it arrived. */
export class InboundEventDto {
  @ApiProperty() event_id!: string;
  @ApiProperty() message_id!: string;
  @ApiProperty() subject!: string;
  @ApiProperty() received_at!: string;
  @ApiProperty({ description: 'The CloudEvent as published (payload cut at 64 KiB here; the published one is whole)' })
  event!: Record<string, unknown>;
}

export class InboundRecentDto {
  @ApiProperty() integration_id!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({ type: [InboundEventDto] }) items!: InboundEventDto[];
}
