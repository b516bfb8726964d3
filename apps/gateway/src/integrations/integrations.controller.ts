import { IntegrationConfigDto, IntegrationDto, IntegrationPageDto, ListIntegrationsQuery, RpcSubjects } from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { ApiProblems, ParseUuidPipe } from '@app/platform';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';

/** The seed's Integration Management API. Thin: validate, then ask integration-service over NATS. */
@ApiTags('integrations')
@Controller('api/v1/integrations')
export class IntegrationsController {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  @Post()
  @ApiOperation({ summary: 'Create an integration', description: 'Body: the seed\'s IntegrationConfig (snake_case, same defaults) plus `connection`. Secret values are encrypted at rest and masked in responses.' })
  @ApiCreatedResponse({ type: IntegrationDto })
  @ApiProblems(400, 409, 413, 503)
  create(@Body() body: IntegrationConfigDto): Promise<IntegrationDto> {
    return this.bus.request(RpcSubjects.IntegrationCreate, body);
  }

  @Get()
  @ApiOperation({ summary: 'List integrations', description: 'Paged by `cursor` (preferred) or `page`; filters combine with AND.' })
  @ApiOkResponse({ type: IntegrationPageDto })
  @ApiProblems(400, 503)
  list(@Query() query: ListIntegrationsQuery): Promise<IntegrationPageDto> {
    return this.bus.request(RpcSubjects.IntegrationList, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get integration details' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: IntegrationDto })
  @ApiProblems(400, 404, 503)
  get(@Param('id', new ParseUuidPipe('id')) id: string): Promise<IntegrationDto> {
    return this.bus.request(RpcSubjects.IntegrationGet, { id });
  }

  @Put(':id')
  @ApiOperation({ summary: 'Update an integration', description: 'Full replacement, validated like create. A secret sent back as "********" keeps its stored value.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: IntegrationDto })
  @ApiProblems(400, 404, 409, 503)
  update(@Param('id', new ParseUuidPipe('id')) id: string, @Body() body: IntegrationConfigDto): Promise<IntegrationDto> {
    return this.bus.request(RpcSubjects.IntegrationUpdate, { id, config: body });
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an integration' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404, 503)
  async delete(@Param('id', new ParseUuidPipe('id')) id: string): Promise<void> {
    await this.bus.request(RpcSubjects.IntegrationDelete, { id });
  }
}
