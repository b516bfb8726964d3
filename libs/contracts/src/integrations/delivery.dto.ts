import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsISO8601,
  IsInt,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsStringRecord, Nested, Optional } from '../common/validators';
import { PageOf } from '../common/page.dto';

/**
 * A subscription subject: NATS tokens separated by dots, `*` for one token, `>` for the rest (last token only),
 * and always under one of the event domains. `rpc.` (requests) can never be subscribed to.
 */
export const SUBSCRIPTION_SUBJECT = /^(fleet|health|integration)(\.([A-Za-z0-9_-]+|\*))*(\.>)?$/;

/** Events that are never delivered outbound: inbound traffic and the delivery pipeline's own events (no loops). */
export const UNDELIVERABLE_SUBJECTS = ['integration.inbound.>', 'integration.delivery.>', 'integration.circuit.>'] as const;

/** Filters on the event's data; all given ones must match. Fleet events carry them in `data.resource` or `data.account`. */
export class SubscriptionFiltersDto {
  @ApiPropertyOptional({ example: '123456789012' })
  @Optional() @IsString() @Matches(/^\d{12}$/, { message: 'account_id must be 12 digits' })
  account_id?: string;

  @ApiPropertyOptional({ example: 'us-west-2' })
  @Optional() @IsString() @Length(1, 64)
  region?: string;

  @ApiPropertyOptional({ example: 'ec2:instance', description: 'The resource type (`service:type` or `type`)' })
  @Optional() @IsString() @Length(1, 128)
  resource_type?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { env: 'prod' }, description: 'Every tag must be present with this value' })
  @Optional() @IsStringRecord({ maxEntries: 20, maxKeyLength: 128, maxValueLength: 256 })
  tags?: Record<string, string>;
}

/** Which events an OUTBOUND or BIDIRECTIONAL integration receives. */
export class SubscriptionDto {
  @ApiProperty({ type: [String], example: ['fleet.resource.*', 'health.>'], description: 'NATS subject patterns under fleet., health. or integration.' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20)
  @IsString({ each: true }) @MaxLength(256, { each: true })
  @Matches(SUBSCRIPTION_SUBJECT, { each: true, message: 'each subject must be a NATS pattern under fleet., health. or integration. (tokens of letters, digits, _ or -, * for one token, > last)' })
  subjects!: string[];

  @ApiPropertyOptional({ type: SubscriptionFiltersDto })
  @Optional() @Nested(() => SubscriptionFiltersDto)
  filters?: SubscriptionFiltersDto;
}

/**
 * What ordered delivery (`parallel: false`) keeps in order. INTEGRATION: every delivery of the integration, one in
 * flight (a retry holds back everything after it). SUBJECT: per the event's `subject` (a resource's ARN, an account
 * id, an integration id): one in flight per subject, a retry holds back only that subject's later events.
 * EVENT_TYPE: the same per event type. The key is taken when the delivery is recorded.
 */
export enum DeliveryOrderBy {
  INTEGRATION = 'INTEGRATION',
  SUBJECT = 'SUBJECT',
  EVENT_TYPE = 'EVENT_TYPE',
}

/** How an integration's deliveries go out. */
export class DeliverySettingsDto {
  @ApiProperty({ default: false, description: 'false: in event order (per `order_by`); true: up to max_in_flight at once, order not kept' })
  @IsBoolean()
  parallel: boolean = false;

  @ApiProperty({
    enum: DeliveryOrderBy,
    default: DeliveryOrderBy.INTEGRATION,
    description:
      'Ordered delivery only: INTEGRATION keeps every delivery in order (one in flight; a retry holds back the whole queue); SUBJECT keeps order per event subject (resource ARN, account or integration id) and EVENT_TYPE per event type, with up to max_in_flight keys in flight, so a retry holds back only its own key',
  })
  @IsEnum(DeliveryOrderBy, { message: `order_by must be one of ${Object.values(DeliveryOrderBy).join(', ')}` })
  order_by: DeliveryOrderBy = DeliveryOrderBy.INTEGRATION;

  @ApiProperty({ default: 16, minimum: 1, maximum: 256, description: 'Deliveries in flight per replica when parallel, or ordered by SUBJECT or EVENT_TYPE (one per key)' })
  @IsInt() @Min(1) @Max(256)
  max_in_flight: number = 16;

  @ApiProperty({ default: 5, minimum: 1, maximum: 1000, description: 'Consecutive failed attempts that open the circuit' })
  @IsInt() @Min(1) @Max(1000)
  circuit_failure_threshold: number = 5;

  @ApiProperty({ default: 30, minimum: 1, maximum: 86400, description: 'Seconds the circuit stays open before one probe' })
  @IsInt() @Min(1) @Max(86400)
  circuit_cooldown_seconds: number = 30;
}

export enum DeliveryStatus {
  PENDING = 'PENDING',
  IN_FLIGHT = 'IN_FLIGHT',
  DELIVERED = 'DELIVERED',
  DEAD = 'DEAD',
}

export enum CircuitState {
  CLOSED = 'CLOSED',
  OPEN = 'OPEN',
  HALF_OPEN = 'HALF_OPEN',
}

export class DeliveryAttemptDto {
  @ApiProperty() attempt!: number;
  @ApiProperty({ format: 'date-time' }) started_at!: string;
  @ApiProperty() ok!: boolean;
  @ApiProperty({ nullable: true, type: Number }) status_code!: number | null;
  @ApiProperty() duration_ms!: number;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
}

export class DeliveryDto {
  @ApiProperty({ format: 'uuid', description: 'Stable across retries and replays: the webhook-id header, SQS attribute or NATS header' }) id!: string;
  @ApiProperty({ format: 'uuid' }) integration_id!: string;
  @ApiProperty() event_id!: string;
  @ApiProperty() event_type!: string;
  @ApiProperty({ enum: DeliveryStatus }) status!: DeliveryStatus;
  @ApiProperty({ description: 'Attempts in the current round (replay and retry start a new round)' }) attempts!: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) next_attempt_at!: string | null;
  @ApiProperty({ nullable: true, type: String }) last_error!: string | null;
  @ApiProperty({ nullable: true, type: Number }) last_status_code!: number | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) delivered_at!: string | null;
  @ApiProperty({ type: [DeliveryAttemptDto] }) attempt_log!: DeliveryAttemptDto[];
}

/** What the integration still owes: deliveries not finished yet, and how long the oldest has waited. */
export class DeliveryBacklogDto {
  @ApiProperty({ description: 'Deliveries not finished (PENDING or IN_FLIGHT)' }) size!: number;
  @ApiProperty({ description: 'Of them, waiting for a retry after a failed attempt' }) retrying!: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When the oldest unfinished delivery was recorded' }) oldest_created_at!: string | null;
  @ApiProperty({ description: 'Seconds since then (0 when the backlog is empty)' }) oldest_age_seconds!: number;
}

export class DeliveryPageDto extends PageOf(DeliveryDto) {
  @ApiProperty({ type: DeliveryBacklogDto, description: 'The integration\'s backlog now, whatever the filter and page' }) backlog!: DeliveryBacklogDto;
}

export class CircuitDto {
  @ApiProperty({ format: 'uuid' }) integration_id!: string;
  @ApiProperty({ enum: CircuitState }) state!: CircuitState;
  @ApiProperty() consecutive_failures!: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) opened_at!: string | null;
  @ApiProperty({ description: 'Deliveries per status' }) counts!: Record<string, number>;
}

/** Query of `GET /integrations/{id}/deliveries`. */
export class ListDeliveriesQuery {
  @ApiPropertyOptional({ enum: DeliveryStatus })
  @Optional() @IsEnum(DeliveryStatus)
  status?: DeliveryStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @Optional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from `next_cursor`' })
  @Optional() @IsString() @MaxLength(256)
  cursor?: string;
}

export class ListDeliveriesRequest extends ListDeliveriesQuery {
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}

export class DeliveryRefRequest {
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;

  @IsUUID('all', { message: 'delivery_id must be a UUID' })
  delivery_id!: string;
}

export class ReplayBody {
  @ApiProperty({ format: 'date-time', description: 'Re-send every delivery recorded at or after this time (same delivery ids)' })
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 date-time' })
  since!: string;
}

export class ReplayRequest extends ReplayBody {
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}

export class ReplayResultDto {
  @ApiProperty({ description: 'Deliveries queued again' }) replayed!: number;
}

/** `integration.delivery.failed`: a delivery is DEAD after its last attempt. No payload, no secrets. */
export interface DeliveryFailedData {
  delivery_id: string;
  integration_id: string;
  event_id: string;
  event_type: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
}

/** `integration.circuit.changed`. */
export interface CircuitChangedData {
  integration_id: string;
  from: CircuitState;
  to: CircuitState;
  consecutive_failures: number;
}
