import { RequirePermission } from '@app/auth';
import { InboundRecentDto, InboundRecentQuery, RpcSubjects } from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { ApiProblems, ParseUuidPipe } from '@app/platform';
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';

/** What inbound integrations received: the events also published on integration.inbound.<id>. */
@ApiTags('inbound')
@Controller('api/v1/integrations')
export class InboundController {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  @Get(':id/inbound/recent')
  @RequirePermission('IntegrationsRead')
  @ApiOperation({
    summary: 'The last messages an inbound integration received',
    description: 'Newest first: each as the CloudEvent published on `integration.inbound.{id}` (type `integration.inbound.received`). Useful where nobody watches NATS (standalone mode), and to check a new inbound integration.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: InboundRecentDto })
  @ApiProblems(400, 404, 503)
  recent(@Param('id', new ParseUuidPipe('id')) id: string, @Query() query: InboundRecentQuery): Promise<InboundRecentDto> {
    return this.bus.request(RpcSubjects.IntegrationInboundRecent, { id, ...query });
  }
}
