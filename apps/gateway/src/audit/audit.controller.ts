import { RequirePermission } from '@app/auth';
import { AuditPageDto, ListAuditQuery } from '@app/contracts';
import { ApiProblems } from '@app/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequirePermission('AuditRead')
  @ApiOperation({ summary: 'Read the audit log', description: 'Every mutating request (POST, PUT, PATCH, DELETE), newest first: who, role, method, path, status, when, correlation id, client address.' })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiProblems(400, 401, 403, 429)
  list(@Query() query: ListAuditQuery): Promise<AuditPageDto> {
    return this.audit.list(query);
  }
}
