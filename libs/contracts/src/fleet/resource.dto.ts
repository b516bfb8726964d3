import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Optional } from '../common/validators';
import type { ResourceChanges } from './fleet-events';
import { ACCOUNT_ID_PATTERN, RESOURCE_TYPE_PATTERN } from './fleet.validators';
import { toBoolean, toArray } from '../common/query-transforms';
import { PageOf } from '../common/page.dto';

/** One resource of the registry: the collector's shape plus when it was first and last seen, and when it went away. */
export class ResourceDto {
  @ApiProperty({ example: 'arn:aws:ec2:us-east-1:123456789012:instance/i-0abc' }) arn!: string;
  @ApiProperty({ example: '123456789012' }) account_id!: string;
  @ApiProperty({ example: 'us-east-1', description: '"global" for account-wide resources (IAM)' }) region!: string;
  @ApiProperty({ example: 'ec2' }) service!: string;
  @ApiProperty({ example: 'ec2:instance' }) type!: string;
  @ApiProperty({ example: 'web-1' }) name!: string;
  @ApiProperty({ example: 'running' }) state!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) tags!: Record<string, string>;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) created_at!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'AWS\'s raw description, JSON-safe' }) properties!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) first_seen_at!: string;
  @ApiProperty({ format: 'date-time' }) last_seen_at!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Set when a successful sync no longer saw it' }) removed_at!: string | null;
}

/** Query string of GET /resources. Filters combine with AND. */
export class ListResourcesQuery {
  @ApiPropertyOptional({ example: '123456789012' })
  @Optional() @IsString() @Matches(ACCOUNT_ID_PATTERN, { message: 'account_id must be 12 digits' })
  account_id?: string;

  @ApiPropertyOptional({ example: 'us-east-1' })
  @Optional() @IsString() @Matches(/^[a-z0-9-]{1,32}$/, { message: 'region must be a region name (or global)' })
  region?: string;

  @ApiPropertyOptional({ example: 'ec2' })
  @Optional() @IsString() @Matches(/^[a-z0-9-]{1,64}$/, { message: 'service must be a service name such as ec2' })
  service?: string;

  @ApiPropertyOptional({ example: 'ec2:instance' })
  @Optional() @IsString() @Matches(RESOURCE_TYPE_PATTERN, { message: 'type must look like service:kind (ec2:instance)' })
  type?: string;

  @ApiPropertyOptional({ example: 'running' })
  @Optional() @IsString() @MinLength(1) @MaxLength(64)
  state?: string;

  @ApiPropertyOptional({ description: 'key:value, repeatable; all must match', type: [String], example: ['team:ops'] })
  @Optional() @Transform(toArray) @IsArray() @ArrayMaxSize(20)
  @Matches(/^[^:]{1,128}:.{0,256}$/, { each: true, message: 'tag must look like key:value' })
  tag?: string[];

  @ApiPropertyOptional({ description: 'Name contains (case-insensitive)' })
  @Optional() @IsString() @MinLength(1) @MaxLength(128)
  q?: string;

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Also list resources a sync no longer saw' })
  @Optional() @Transform(toBoolean) @IsBoolean()
  include_removed?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 50 })
  @Optional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from `next_cursor`' })
  @Optional() @IsString() @MaxLength(4096)
  cursor?: string;
}

/** A page of resources, in ARN order. No total (counting a large registry on every page is slow): see /resources/summary. */
export class ResourcePageDto extends PageOf(ResourceDto) {}

export class ResourceArnRequest {
  @IsString() @Matches(/^arn:[^:\s]+:[^:\s]+:[^:\s]*:\d{0,12}:\S+$/, { message: 'arn must be an ARN (arn:partition:service:region:account:resource)' }) @MaxLength(2048)
  arn!: string;
}

export class ResourceSummaryQuery {
  @ApiPropertyOptional({ example: '123456789012' })
  @Optional() @IsString() @Matches(ACCOUNT_ID_PATTERN, { message: 'account_id must be 12 digits' })
  account_id?: string;

  @ApiPropertyOptional({ type: Boolean, default: false })
  @Optional() @Transform(toBoolean) @IsBoolean()
  include_removed?: boolean;
}

export class ResourceSummaryDto {
  @ApiProperty() total!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { 'ec2:instance': 12 } }) by_type!: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { 'us-east-1': 40 } }) by_region!: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { '123456789012': 52 } }) by_account!: Record<string, number>;
}

/** Query string of GET /resources/changes: the change history of one resource, one account, or the whole registry. */
export class ListResourceChangesQuery {
  @ApiPropertyOptional({ description: 'One resource (its ARN)', example: 'arn:aws:ec2:us-east-1:123456789012:instance/i-0abc' })
  @Optional() @IsString() @Matches(/^arn:[^:\s]+:[^:\s]+:[^:\s]*:\d{0,12}:\S+$/, { message: 'arn must be an ARN (arn:partition:service:region:account:resource)' }) @MaxLength(2048)
  arn?: string;

  @ApiPropertyOptional({ example: '123456789012' })
  @Optional() @IsString() @Matches(ACCOUNT_ID_PATTERN, { message: 'account_id must be 12 digits' })
  account_id?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @Optional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from `next_cursor` (older changes)' })
  @Optional() @IsString() @Matches(/^\d{1,19}$/, { message: 'cursor is not a cursor this API returned' })
  cursor?: string;
}

/**
 * One recorded change of a resource, as its event reported it: `changed` (with what differs), `removed` (a
 * successful sync no longer saw it) or `discovered` (seen again after a removal). A resource's first discovery is its
 * `first_seen_at` and has no row.
 */
export class ResourceChangeDto {
  @ApiProperty({ description: 'Sequence of the record; newer changes have larger ones', example: '1042' }) id!: string;
  @ApiProperty({ example: 'arn:aws:ec2:us-east-1:123456789012:instance/i-0abc' }) arn!: string;
  @ApiProperty({ example: '123456789012' }) account_id!: string;
  @ApiProperty({ example: 'ec2:instance' }) type!: string;
  @ApiProperty({ example: 'web-1' }) name!: string;
  @ApiProperty({ enum: ['discovered', 'changed', 'removed'] }) kind!: 'discovered' | 'changed' | 'removed';
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: '`changed` only: `fields`, `state: {from, to}`, `name: {from, to}`, `tags: {added, removed, changed}`, `properties` (top-level keys that differ)',
  })
  changes!: ResourceChanges | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The sync that saw it' }) sync_id!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class ResourceChangePageDto extends PageOf(ResourceChangeDto) {}
