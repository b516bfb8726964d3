import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { Optional } from '../common/validators';
import { HealthStatus } from './health.dto';
import { PageOf } from '../common/page.dto';

/**
 * Outcome of one scheduled check. UNKNOWN: the probe could not be run at all (integration-service down or
 * too slow to answer); it says nothing about the integration and moves no threshold counter.
 */
export const HEALTH_CHECK_OUTCOMES = ['SUCCESS', 'FAILURE', 'UNKNOWN'] as const;
export type HealthCheckOutcome = (typeof HEALTH_CHECK_OUTCOMES)[number];

/** `rpc.health.get`. */
export class GetIntegrationHealthRequest {
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}

/** The most integrations one `rpc.health.list` answers for (a page of integrations). */
export const HEALTH_LIST_MAX_IDS = 100;

/** `rpc.health.list`: the health of several integrations in one request (a GraphQL page's `health` fields). */
export class ListIntegrationHealthRequest {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(HEALTH_LIST_MAX_IDS)
  @IsUUID('all', { each: true, message: 'ids must be UUIDs' })
  ids!: string[];
}

/** Query string of `GET /integrations/{id}/health/history`. */
export class HealthHistoryQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @Optional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from `next_cursor`' })
  @Optional() @IsString() @MaxLength(128) @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a cursor this API returned' })
  cursor?: string;

  @ApiPropertyOptional({ enum: HEALTH_CHECK_OUTCOMES, description: 'Only checks with this outcome' })
  @Optional() @IsIn(HEALTH_CHECK_OUTCOMES)
  outcome?: HealthCheckOutcome;
}

/** `rpc.health.history`. */
export class GetHealthHistoryRequest extends HealthHistoryQuery {
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}

/** One check as the history keeps it. */
export class HealthCheckRecordDto {
  @ApiProperty({ description: 'Position in the history (increasing)', example: '1042' })
  id!: string;

  @ApiProperty({ enum: HEALTH_CHECK_OUTCOMES })
  outcome!: HealthCheckOutcome;

  @ApiProperty({ format: 'date-time', description: 'The scheduled slot the check ran for' })
  due_at!: string;

  @ApiProperty({ format: 'date-time' })
  started_at!: string;

  @ApiProperty({ format: 'date-time' })
  checked_at!: string;

  @ApiPropertyOptional({ nullable: true, type: Number, description: 'Milliseconds the probe took (null when it could not run)' })
  latency_ms!: number | null;

  @ApiPropertyOptional({ nullable: true, type: Number })
  status_code!: number | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  error!: string | null;

  @ApiPropertyOptional({ nullable: true, enum: ['endpoint', 'connector'] })
  method!: 'endpoint' | 'connector' | null;

  @ApiProperty({ enum: HealthStatus, description: 'The integration\'s health after this check' })
  status_after!: HealthStatus;
}

export class HealthHistoryPageDto extends PageOf(HealthCheckRecordDto, { limitExample: 50, nextCursor: 'Pass as `cursor` for the next (older) page; null on the last page' }) {}

export class HealthLastErrorDto {
  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty()
  message!: string;

  @ApiPropertyOptional({ nullable: true, type: Number })
  status_code!: number | null;
}

export class HealthUptimeDto {
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'Share of successful checks among SUCCESS+FAILURE over the last 24 h (0..1); null without any' })
  ratio!: number | null;

  @ApiProperty()
  successes!: number;

  @ApiProperty()
  failures!: number;

  @ApiProperty({ description: 'Checks that could not run (not counted in the ratio)' })
  unknown!: number;
}

/** `GET /integrations/{id}/health`. */
export class IntegrationHealthDto {
  @ApiProperty({ format: 'uuid' })
  integration_id!: string;

  @ApiProperty({ enum: HealthStatus })
  status!: HealthStatus;

  @ApiProperty({ description: 'Whether health-monitor checks it (health_check.enabled and status not INACTIVE/DEPRECATED)' })
  monitored!: boolean;

  @ApiPropertyOptional({ nullable: true, type: Number })
  interval_seconds!: number | null;

  @ApiProperty()
  failure_threshold!: number;

  @ApiProperty()
  success_threshold!: number;

  @ApiProperty()
  consecutive_failures!: number;

  @ApiProperty()
  consecutive_successes!: number;

  @ApiPropertyOptional({ nullable: true, format: 'date-time', type: String })
  status_changed_at!: string | null;

  @ApiPropertyOptional({ nullable: true, format: 'date-time', type: String })
  next_check_at!: string | null;

  @ApiPropertyOptional({ nullable: true, type: HealthCheckRecordDto })
  last_check!: HealthCheckRecordDto | null;

  @ApiPropertyOptional({ nullable: true, format: 'date-time', type: String })
  last_success_at!: string | null;

  @ApiPropertyOptional({ nullable: true, type: HealthLastErrorDto })
  last_error!: HealthLastErrorDto | null;

  @ApiProperty({ type: HealthUptimeDto, description: 'Over the last 24 hours' })
  uptime_24h!: HealthUptimeDto;

  @ApiProperty({ type: [HealthCheckRecordDto], description: 'The latest checks, newest first (at most 10)' })
  latest_checks!: HealthCheckRecordDto[];
}

/** `rpc.health.list`'s answer: the health of each id that names an integration, in the order asked; the others in `missing`. */
export interface IntegrationHealthListDto {
  items: IntegrationHealthDto[];
  missing: string[];
}
