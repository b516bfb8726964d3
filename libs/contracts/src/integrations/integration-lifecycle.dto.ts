import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsUUID } from 'class-validator';
import { Optional } from '../common/validators';
import { IntegrationStatus } from './integration.enums';

/** `POST /integrations/{id}/test`: runs initialize and the health check now; OUTBOUND may also send a test event. */
export class TestIntegrationRequest {
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;

  @Optional() @IsBoolean()
  send_test_event?: boolean;
}

export class TestIntegrationBody {
  @ApiPropertyOptional({ description: 'Also send an `integration.test` CloudEvent through the connector (OUTBOUND and BIDIRECTIONAL)', default: false })
  @Optional() @IsBoolean()
  send_test_event?: boolean;
}

export class TestIntegrationResultDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: IntegrationStatus, description: 'ACTIVE on success, ERROR on failure' })
  status!: IntegrationStatus;

  @ApiProperty()
  healthy!: boolean;

  @ApiProperty()
  latency_ms!: number;

  @ApiPropertyOptional({ nullable: true, type: String })
  error!: string | null;

  @ApiPropertyOptional({ nullable: true, type: Boolean, description: 'Whether the test event was accepted (when one was sent)' })
  test_event_sent!: boolean | null;
}

export const LIFECYCLE_ACTIONS = ['enable', 'disable', 'deprecate'] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

export class LifecycleRequest {
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;

  @IsIn(LIFECYCLE_ACTIONS)
  action!: LifecycleAction;
}

/** Data of `integration.status.changed`. */
export interface IntegrationStatusChangedData {
  id: string;
  name: string;
  from: IntegrationStatus;
  to: IntegrationStatus;
  reason: string | null;
}

/** The seed's `register_bulk`: each item is validated and created on its own unless `atomic`. */
export class BulkRegisterRequest {
  @ApiProperty({ type: 'array', items: { $ref: '#/components/schemas/IntegrationConfigDto' }, maxItems: 500 })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(500)
  integrations!: unknown[];

  @ApiPropertyOptional({ default: false, description: 'All or nothing: when any item fails, none is created' })
  @Optional() @IsBoolean()
  atomic?: boolean;
}

export class BulkItemResultDto {
  @ApiProperty({ description: 'The name given in the item (or `#<index>` when it had none)' })
  name!: string;

  @ApiProperty()
  success!: boolean;

  @ApiPropertyOptional({ format: 'uuid' })
  id?: string;

  @ApiPropertyOptional({ description: 'Why the item was not created' })
  error?: string;

  @ApiPropertyOptional({ description: 'Field errors of the item' })
  errors?: Array<{ field: string; message: string }>;
}

export class BulkRegisterResultDto {
  @ApiProperty({ type: [BulkItemResultDto] })
  results!: BulkItemResultDto[];

  @ApiProperty()
  created!: number;

  @ApiProperty()
  failed!: number;
}

/**
 * One setting of a type's `connection`, so that a client (the console) can draw the form without knowing the type:
 * `kind` says how to edit it (`list`: an array of strings; `json`: any JSON value; `secret`: encrypted and masked).
 */
export class ConnectionFieldDto {
  @ApiProperty({ example: 'url', description: 'The key in `connection`' }) name!: string;
  @ApiProperty({ example: 'URL' }) label!: string;
  @ApiProperty({ enum: ['string', 'text', 'number', 'boolean', 'list', 'json', 'secret', 'select'] }) kind!: 'string' | 'text' | 'number' | 'boolean' | 'list' | 'json' | 'secret' | 'select';
  @ApiProperty({ type: [String], description: 'Directions for which it must be set (empty: optional)', example: ['OUTBOUND', 'BIDIRECTIONAL'] }) required_for!: string[];
  @ApiProperty({ type: [String], description: 'Directions it applies to (empty: all)', example: [] }) directions!: string[];
  @ApiProperty({ type: [String], description: '`select`: the values allowed' }) options!: string[];
  @ApiProperty({ example: 'Where events are POSTed' }) description!: string;
  @ApiProperty({ nullable: true, type: String, example: 'https://hooks.example.com/aws' }) placeholder!: string | null;
}

export class IntegrationTypeDto {
  @ApiProperty({ example: 'WEBHOOK' })
  type!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ type: [String] })
  directions!: string[];

  @ApiProperty({ type: [String] })
  auth_types!: string[];

  @ApiProperty({ type: [ConnectionFieldDto], description: 'The settings of `connection`; empty when the type does not describe them (edit it as JSON)' })
  connection_fields!: ConnectionFieldDto[];
}
