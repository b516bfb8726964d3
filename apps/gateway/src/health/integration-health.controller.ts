import { RequirePermission } from '@app/auth';
import { HealthHistoryPageDto, HealthHistoryQuery, IntegrationHealthDto } from '@app/contracts';
import { ApiProblems, ParseUuidPipe } from '@app/platform';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { IntegrationHealthService } from './integration-health.service';

/** Integration health from health-monitor. Thin: validate, then ask over NATS. */
@ApiTags('health')
@Controller('api/v1/integrations')
export class IntegrationHealthController {
  constructor(private readonly health: IntegrationHealthService) {}

  @Get(':id/health')
  @RequirePermission('IntegrationsRead')
  @ApiOperation({
    summary: "An integration's health",
    description: 'Status (HEALTHY, UNHEALTHY or UNKNOWN), consecutive failures and successes, last check, last success, last error, uptime over the last 24 h and the latest checks.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: IntegrationHealthDto })
  @ApiProblems(400, 401, 403, 404, 503)
  get(@Param('id', new ParseUuidPipe('id')) id: string): Promise<IntegrationHealthDto> {
    return this.health.get(id);
  }

  @Get(':id/health/history')
  @RequirePermission('IntegrationsRead')
  @ApiOperation({ summary: "An integration's health-check history", description: 'Newest first; pass `next_cursor` back as `cursor` for older checks.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: HealthHistoryPageDto })
  @ApiProblems(400, 401, 403, 404, 503)
  history(@Param('id', new ParseUuidPipe('id')) id: string, @Query() query: HealthHistoryQuery): Promise<HealthHistoryPageDto> {
    return this.health.history(id, query);
  }
}
