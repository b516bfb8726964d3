import { RequirePermission } from '@app/auth';
import { StartSyncRequest, SyncAcceptedDto, SyncRunDto } from '@app/contracts';
import { ApiProblems, ParseUuidPipe } from '@app/platform';
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { InventoryService } from './inventory.service';

/** Inventory syncs: start one on demand, follow its progress. */
@ApiTags('inventory')
@Controller('api/v1/inventory')
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  @Post('sync')
  @HttpCode(202)
  @RequirePermission('InventorySync')
  @ApiOperation({ summary: 'Start a sync', description: 'Every filter is optional: absent means every enabled account, each of its regions, every collector type. Answers 202 with the sync id at once.' })
  @ApiAcceptedResponse({ type: SyncAcceptedDto })
  @ApiProblems(400, 404, 503)
  start(@Body() body: StartSyncRequest): Promise<SyncAcceptedDto> {
    return this.inventory.startSync(body);
  }

  @Get('sync/:id')
  @RequirePermission('InventoryRead')
  @ApiOperation({ summary: 'Progress and per-task results of a sync' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: SyncRunDto })
  @ApiProblems(400, 404, 503)
  get(@Param('id', new ParseUuidPipe('id')) id: string): Promise<SyncRunDto> {
    return this.inventory.getSync(id);
  }
}
