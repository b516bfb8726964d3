import { RequirePermission } from '@app/auth';
import { RpcSubjects, StartSyncRequest, SyncAcceptedDto, SyncRunDto } from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { ApiProblems, ParseUuidPipe } from '@app/platform';
import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';

/** Inventory syncs: start one on demand, follow its progress. */
@ApiTags('inventory')
@Controller('api/v1/inventory')
export class InventoryController {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  @Post('sync')
  @HttpCode(202)
  @RequirePermission('InventorySync')
  @ApiOperation({ summary: 'Start a sync', description: 'Every filter is optional: absent means every enabled account, each of its regions, every collector type. Answers 202 with the sync id at once.' })
  @ApiAcceptedResponse({ type: SyncAcceptedDto })
  @ApiProblems(400, 404, 503)
  start(@Body() body: StartSyncRequest): Promise<SyncAcceptedDto> {
    return this.bus.request(RpcSubjects.FleetSyncStart, body);
  }

  @Get('sync/:id')
  @RequirePermission('InventoryRead')
  @ApiOperation({ summary: 'Progress and per-task results of a sync' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: SyncRunDto })
  @ApiProblems(400, 404, 503)
  get(@Param('id', new ParseUuidPipe('id')) id: string): Promise<SyncRunDto> {
    return this.bus.request(RpcSubjects.FleetSyncGet, { id });
  }
}
