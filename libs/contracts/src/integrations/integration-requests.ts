import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsEnum,
  IsInt,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { Optional, Nested } from '../common/validators';
import { IntegrationConfigDto } from './integration-config.dto';
import { Direction, IntegrationStatus, IntegrationType } from './integration.enums';
import { toBoolean, toArray } from '../common/query-transforms';

/** Query string of `GET /integrations`. */
export class ListIntegrationsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @Optional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from `next_cursor`' })
  @Optional() @IsString() @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, description: 'Page number (alternative to cursor)' })
  @Optional() @Type(() => Number) @IsInt() @Min(1) @Max(1000000)
  page?: number;

  @ApiPropertyOptional({ enum: IntegrationType })
  @Optional() @IsEnum(IntegrationType)
  type?: IntegrationType;

  @ApiPropertyOptional({ enum: IntegrationStatus })
  @Optional() @IsEnum(IntegrationStatus)
  status?: IntegrationStatus;

  @ApiPropertyOptional({ enum: Direction })
  @Optional() @IsEnum(Direction)
  direction?: Direction;

  @ApiPropertyOptional({ type: Boolean })
  @Optional() @Transform(toBoolean) @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ description: 'key:value, repeatable; all must match', type: [String], example: ['team:ops'] })
  @Optional() @Transform(toArray) @IsArray() @ArrayMaxSize(20)
  @Matches(/^[^:]{1,128}:.{0,256}$/, { each: true, message: 'tag must look like key:value' })
  tag?: string[];

  @ApiPropertyOptional({ description: 'Name contains (case-insensitive)' })
  @Optional() @IsString() @MaxLength(128)
  q?: string;
}

export class IntegrationIdRequest {
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}

export class UpdateIntegrationRequest {
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;

  @Nested(() => IntegrationConfigDto)
  config!: IntegrationConfigDto;

  /** Replace only if the integration is still as last read (its `updated_at`): a merge patch's guard against lost updates. */
  @Optional() @IsDateString({ strict: true }, { message: 'expected_updated_at must be an ISO 8601 time' })
  expected_updated_at?: string;
}
