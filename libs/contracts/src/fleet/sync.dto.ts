import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, IsUUID, Matches } from 'class-validator';
import { Optional } from '../common/validators';
import { ACCOUNT_ID_PATTERN, REGION_PATTERN, RESOURCE_TYPE_PATTERN } from './fleet.validators';

export const SyncStatus = { Running: 'RUNNING', Succeeded: 'SUCCEEDED', Partial: 'PARTIAL', Failed: 'FAILED' } as const;
export type SyncStatus = (typeof SyncStatus)[keyof typeof SyncStatus];
export const SyncTaskStatus = { Pending: 'PENDING', Running: 'RUNNING', Succeeded: 'SUCCEEDED', Failed: 'FAILED' } as const;
export type SyncTaskStatus = (typeof SyncTaskStatus)[keyof typeof SyncTaskStatus];
export const SyncTrigger = { Manual: 'MANUAL', Schedule: 'SCHEDULE' } as const;
export type SyncTrigger = (typeof SyncTrigger)[keyof typeof SyncTrigger];

/** POST /inventory/sync: every filter optional; absent means every enabled account, its regions, every type. */
export class StartSyncRequest {
  @ApiPropertyOptional({ type: [String], example: ['123456789012'] })
  @Optional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000)
  @IsString({ each: true }) @Matches(ACCOUNT_ID_PATTERN, { each: true, message: 'account_ids must contain 12-digit account ids' })
  account_ids?: string[];

  @ApiPropertyOptional({ type: [String], example: ['us-east-1'], description: 'Restricts each account to these of its regions' })
  @Optional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50)
  @IsString({ each: true }) @Matches(REGION_PATTERN, { each: true, message: 'regions must contain AWS region names such as us-east-1' })
  regions?: string[];

  @ApiPropertyOptional({ type: [String], example: ['ec2:instance'], description: 'Collector types (see docs/inventory.md)' })
  @Optional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100)
  @IsString({ each: true }) @Matches(RESOURCE_TYPE_PATTERN, { each: true, message: 'types must contain collector types such as ec2:instance' })
  types?: string[];
}

export class SyncIdRequest {
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}

export class SyncTaskDto {
  @ApiProperty({ example: '123456789012' }) account_id!: string;
  @ApiProperty({ example: 'us-east-1', description: '"global" for the task that runs the account-wide collectors (IAM, S3)' }) region!: string;
  @ApiProperty({ enum: Object.values(SyncTaskStatus) }) status!: SyncTaskStatus;
  @ApiProperty({ type: [String] }) types!: string[];
  @ApiProperty() resources_seen!: number;
  @ApiProperty() discovered!: number;
  @ApiProperty() changed!: number;
  @ApiProperty() removed!: number;
  @ApiProperty({ nullable: true, type: Number }) duration_ms!: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'AWS\'s message when the task failed' }) error!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) started_at!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finished_at!: string | null;
}

export class SyncRunDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: Object.values(SyncStatus) }) status!: SyncStatus;
  @ApiProperty({ enum: Object.values(SyncTrigger) }) trigger!: SyncTrigger;
  @ApiProperty({ type: StartSyncRequest }) request!: StartSyncRequest;
  @ApiProperty() tasks_total!: number;
  @ApiProperty() tasks_done!: number;
  @ApiProperty() tasks_failed!: number;
  @ApiProperty() resources_seen!: number;
  @ApiProperty() discovered!: number;
  @ApiProperty() changed!: number;
  @ApiProperty() removed!: number;
  @ApiProperty({ format: 'date-time' }) started_at!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finished_at!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why the run ended early, e.g. "interrupted: fleet-service stopped while the sync ran"' }) status_reason!: string | null;
  @ApiProperty({ type: [SyncTaskDto] }) tasks!: SyncTaskDto[];
}

export class SyncAcceptedDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: Object.values(SyncStatus) }) status!: SyncStatus;
  @ApiProperty({ example: '/api/v1/inventory/sync/6f1c2b1e-3c2d-4a9e-8f7a-0d9c1b2a3e4f' }) location!: string;
}
