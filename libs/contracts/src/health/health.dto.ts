import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** An integration's health as health-monitor sees it. */
export enum HealthStatus {
  HEALTHY = 'HEALTHY',
  UNHEALTHY = 'UNHEALTHY',
  UNKNOWN = 'UNKNOWN',
}

/** Ask integration-service to run one integration's health check now (it holds the secrets). */
export class ProbeIntegrationRequest {
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}

/** The outcome of one check. `method`: the configured HTTP endpoint, or the connector's own check. */
export class ProbeResultDto {
  @ApiProperty({ format: 'uuid' })
  integration_id!: string;

  @ApiProperty()
  healthy!: boolean;

  @ApiProperty({ enum: ['endpoint', 'connector'] })
  method!: 'endpoint' | 'connector';

  @ApiProperty({ description: 'Milliseconds the check took' })
  latency_ms!: number;

  @ApiPropertyOptional({ nullable: true, type: Number })
  status_code!: number | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  error!: string | null;

  @ApiProperty({ format: 'date-time' })
  checked_at!: string;
}

/** Data of `health.check.completed`. */
export type HealthCheckCompletedData = ProbeResultDto & {
  /** SUCCESS/FAILURE from the probe; UNKNOWN when the probe itself could not run (see docs/health.md). */
  outcome?: 'SUCCESS' | 'FAILURE' | 'UNKNOWN';
  /** The integration's health after this check. */
  status?: HealthStatus;
  /** The scheduled slot this check ran for. */
  due_at?: string;
};

/** Data of `health.status.changed`. integration-service moves the integration to ERROR or back to ACTIVE on it. */
export interface HealthStatusChangedData {
  integration_id: string;
  from: HealthStatus;
  to: HealthStatus;
  consecutive_failures: number;
  consecutive_successes: number;
  /** The whole sentence, e.g. "3 consecutive failed health checks: expected status 200, got 500"; consumers show it as is. */
  reason: string | null;
}
