import { RequirePermission } from '@app/auth';
import { AuditPageDto, ListAuditQuery } from '@app/contracts';
import { ApiProblems } from '@app/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AuditRecorder } from './audit.recorder';
import { AuditRepository } from './audit.repository';

@ApiTags('audit')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('api/v1/audit')
export class AuditController {
  constructor(
    private readonly repo: AuditRepository,
    private readonly recorder: AuditRecorder,
  ) {}

  @Get()
  @RequirePermission('AuditRead')
  @ApiOperation({ summary: 'Read the audit log', description: 'Every mutating request (POST, PUT, PATCH, DELETE), newest first: who, role, method, path, status, when, correlation id, client address.' })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiProblems(400, 401, 403, 429)
  async list(@Query() query: ListAuditQuery): Promise<AuditPageDto> {
    await this.recorder.flush(); // what this instance has recorded so far is visible
    return this.repo.list(query);
  }
}
