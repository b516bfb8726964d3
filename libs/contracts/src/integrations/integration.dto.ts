import { ApiProperty } from '@nestjs/swagger';
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

export class IntegrationPageDto extends PageOf(IntegrationDto, { limitExample: 50, total: 'Number of integrations that match the filters', nextCursor: 'Pass as `cursor` for the next page; null on the last page', page: 'Set when paging by `page`' }) {}
