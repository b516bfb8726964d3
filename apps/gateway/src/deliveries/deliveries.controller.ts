import { RequirePermission } from '@app/auth';
import { CircuitDto, DeliveryDto, DeliveryPageDto, ListDeliveriesQuery, ReplayBody, ReplayResultDto } from '@app/contracts';
import { ApiProblems, ParseUuidPipe } from '@app/platform';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DeliveriesService } from './deliveries.service';

/** Outbound deliveries of an integration: history with attempts, dead letters, retry, replay, circuit breaker. */
@ApiTags('deliveries')
@Controller('api/v1/integrations/:id')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get('deliveries')
  @RequirePermission('IntegrationsRead')
  @ApiOperation({ summary: "An integration's deliveries", description: 'Newest first, cursor-paged; `status=DEAD` lists the dead letters. Each delivery carries its attempts (time, status code, duration, error).' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: DeliveryPageDto })
  @ApiProblems(400, 404, 503)
  list(@Param('id', new ParseUuidPipe('id')) id: string, @Query() query: ListDeliveriesQuery): Promise<DeliveryPageDto> {
    return this.deliveries.list(id, query);
  }

  @Post('deliveries/:delivery_id/retry')
  @RequirePermission('IntegrationsWrite')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send one delivery again', description: 'Same delivery id (receivers drop duplicates), fresh attempt budget. 409 while it is being sent.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'delivery_id', format: 'uuid' })
  @ApiOkResponse({ type: DeliveryDto })
  @ApiProblems(400, 404, 409, 503)
  retry(@Param('id', new ParseUuidPipe('id')) id: string, @Param('delivery_id', new ParseUuidPipe('delivery_id')) deliveryId: string): Promise<DeliveryDto> {
    return this.deliveries.retry(id, deliveryId);
  }

  @Post('replay')
  @RequirePermission('IntegrationsWrite')
  @HttpCode(202)
  @ApiOperation({ summary: 'Re-send everything since a time', description: 'Every delivered or dead delivery recorded at or after `since` goes out again with its own delivery id.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ReplayResultDto })
  @ApiProblems(400, 404, 503)
  replay(@Param('id', new ParseUuidPipe('id')) id: string, @Body() body: ReplayBody): Promise<ReplayResultDto> {
    return this.deliveries.replay(id, body);
  }

  @Get('circuit')
  @RequirePermission('IntegrationsRead')
  @ApiOperation({ summary: "The integration's circuit breaker", description: 'CLOSED, OPEN (deliveries paused) or HALF_OPEN (one probe in flight), consecutive failures, and deliveries per status.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CircuitDto })
  @ApiProblems(400, 404, 503)
  circuit(@Param('id', new ParseUuidPipe('id')) id: string): Promise<CircuitDto> {
    return this.deliveries.circuit(id);
  }
}
