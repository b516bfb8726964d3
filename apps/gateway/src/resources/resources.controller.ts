import { RequirePermission } from '@app/auth';
import { ListResourceChangesQuery, ListResourcesQuery, ResourceChangePageDto, ResourceDto, ResourcePageDto, ResourceSummaryDto, ResourceSummaryQuery } from '@app/contracts';
import { ApiProblems } from '@app/platform';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ResourcesService } from './resources.service';

/** The resource registry: every account and region in one queryable place. */
@ApiTags('resources')
@Controller('api/v1/resources')
export class ResourcesController {
  constructor(private readonly resources: ResourcesService) {}

  @Get()
  @RequirePermission('InventoryRead')
  @ApiOperation({ summary: 'Query resources', description: 'Filters combine with AND; `tag=key:value` is repeatable (all must match). Removed resources are left out unless `include_removed=true`. Paged in ARN order by `cursor`.' })
  @ApiOkResponse({ type: ResourcePageDto })
  @ApiProblems(400, 503)
  list(@Query() query: ListResourcesQuery): Promise<ResourcePageDto> {
    return this.resources.list(query);
  }

  @Get('summary')
  @RequirePermission('InventoryRead')
  @ApiOperation({ summary: 'Counts by type, region and account' })
  @ApiOkResponse({ type: ResourceSummaryDto })
  @ApiProblems(400, 503)
  summary(@Query() query: ResourceSummaryQuery): Promise<ResourceSummaryDto> {
    return this.resources.summary(query);
  }

  @Get('changes')
  @RequirePermission('InventoryRead')
  @ApiOperation({
    summary: 'Change history of resources',
    description: 'What syncs saw change, newest first: `changed` (with what differs), `removed`, and `discovered` again after a removal; filter by `arn` for one resource or `account_id`. A resource\'s first discovery is its `first_seen_at`. Paged by `cursor`.',
  })
  @ApiOkResponse({ type: ResourceChangePageDto })
  @ApiProblems(400, 503)
  changes(@Query() query: ListResourceChangesQuery): Promise<ResourceChangePageDto> {
    return this.resources.changes(query);
  }

  @Get(':arn')
  @RequirePermission('InventoryRead')
  @ApiOperation({ summary: 'Get one resource by ARN', description: 'The ARN URL-encoded as one path segment (encodeURIComponent).' })
  @ApiParam({ name: 'arn', example: 'arn%3Aaws%3Aec2%3Aus-east-1%3A123456789012%3Ainstance%2Fi-0abc' })
  @ApiOkResponse({ type: ResourceDto })
  @ApiProblems(400, 404, 503)
  get(@Param('arn') arn: string): Promise<ResourceDto> {
    return this.resources.get(arn);
  }
}
