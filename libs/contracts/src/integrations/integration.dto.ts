import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsISO8601, IsString, IsUUID, MaxLength } from 'class-validator';
import { Optional, OptionalOrNull } from '../common/validators';
import { IntegrationConfigDto } from './integration-config.dto';
import { IntegrationStatus } from './integration.enums';
import { PageOf } from '../common/page.dto';

/** An integration as the API returns it: its config (secrets masked) plus identity and lifecycle. */
export class IntegrationDto extends IntegrationConfigDto {
  @ApiProperty({ format: 'uuid', example: '3f2c1a9e-6a5b-4a8e-9a51-1f6f2b7c9d10' })
  id!: string;

  @ApiProperty({ enum: IntegrationStatus, example: IntegrationStatus.CONFIGURING })
  status!: IntegrationStatus;

  @ApiProperty({ nullable: true, type: String, description: 'Why the integration is in this status (last test or health failure)' })
  status_reason!: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ format: 'date-time' })
  updated_at!: string;
}

/**
 * The body of a full replacement (PUT): the config, and optionally the read-only fields of a GET body, so that what
 * GET returned can be sent back unchanged. They are ignored, except that `id` must be the id in the path.
 */
export class IntegrationReplacementDto extends IntegrationConfigDto {
  @ApiPropertyOptional({ format: 'uuid', readOnly: true, description: 'Ignored; when sent, must be the id in the path' })
  @Optional() @IsUUID('all', { message: 'id must be a UUID' })
  id?: string;

  @ApiPropertyOptional({ enum: IntegrationStatus, readOnly: true, description: 'Ignored: the status changes through tests, health and the lifecycle routes' })
  @Optional() @IsEnum(IntegrationStatus)
  status?: IntegrationStatus;

  @ApiPropertyOptional({ nullable: true, type: String, readOnly: true, description: 'Ignored' })
  @OptionalOrNull() @IsString() @MaxLength(4096)
  status_reason?: string | null;

  @ApiPropertyOptional({ format: 'date-time', readOnly: true, description: 'Ignored' })
  @Optional() @IsISO8601()
  created_at?: string;

  @ApiPropertyOptional({ format: 'date-time', readOnly: true, description: 'Ignored' })
  @Optional() @IsISO8601()
  updated_at?: string;
}

export class IntegrationPageDto extends PageOf(IntegrationDto, { limitExample: 50, total: 'Number of integrations that match the filters', nextCursor: 'Pass as `cursor` for the next page; null on the last page', page: 'Set when paging by `page`' }) {}
