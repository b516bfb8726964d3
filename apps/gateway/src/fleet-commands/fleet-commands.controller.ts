import { Identity, RequirePermission } from '@app/auth';
import { CheckCommandBody, CommandAcceptedDto, CommandCheckDto, CommandDryRunDto, CommandDto, CommandOutputDto, CommandPageDto, CommandResultPageDto, ListCommandResultsQuery, ListCommandsQuery, RunCommandBody } from '@app/contracts';
import { ApiProblems, ParseUuidPipe } from '@app/platform';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentIdentity } from '../auth/current-identity';
import { FleetCommandsService } from './fleet-commands.service';

/**
 * Fleet commands: one AWS CLI command across accounts × regions (docs/fleet-commands.md). Thin: the body is
 * validated here, the caller's identity is added, and fleet-service checks the command policy with that role
 * (mutations need operator/admin and allow_mutations) before anything is stored or run.
 */
@ApiTags('commands')
@ApiExtraModels(CommandAcceptedDto, CommandDryRunDto)
@Controller('api/v1/commands')
export class FleetCommandsController {
  constructor(private readonly commands: FleetCommandsService) {}

  @Post()
  @HttpCode(202)
  @RequirePermission('CommandsRun')
  @ApiOperation({
    summary: 'Run an AWS CLI command across accounts and regions',
    description:
      '202 with the command id; it runs in the background (GET /commands/{id}). With `dry_run: true`: 200 with the expanded targets and the policy verdict, nothing stored or run. Refused commands: 400 (not a plain CLI command) or 403 (not permitted), with the refusal code (docs/cli-policy.md).',
  })
  @ApiAcceptedResponse({ type: CommandAcceptedDto })
  @ApiOkResponse({ description: 'dry_run: true', schema: { $ref: getSchemaPath(CommandDryRunDto) } })
  @ApiProblems(400, 403, 413, 503)
  async run(@Body() body: RunCommandBody, @CurrentIdentity() identity: Identity | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandAcceptedDto | CommandDryRunDto> {
    const result = await this.commands.run(body, identity);
    if ('dry_run' in result) reply.status(200);
    else reply.header('location', result.location);
    return result;
  }

  @Post('check')
  @HttpCode(200)
  @RequirePermission('InventoryRead')
  @ApiOperation({ summary: 'Check a command without running it', description: 'The policy\'s verdict for your role (as if allow_mutations were given: `mutating` says whether it is needed) and the real CLI\'s help of the operation. Nothing is stored or run against AWS.' })
  @ApiOkResponse({ type: CommandCheckDto })
  @ApiProblems(400, 503)
  check(@Body() body: CheckCommandBody, @CurrentIdentity() identity: Identity | undefined): Promise<CommandCheckDto> {
    return this.commands.check(body, identity);
  }

  @Get()
  @RequirePermission('InventoryRead')
  @ApiOperation({ summary: 'List fleet commands', description: 'Newest first, paged by `cursor`.' })
  @ApiOkResponse({ type: CommandPageDto })
  @ApiProblems(400, 503)
  list(@Query() query: ListCommandsQuery): Promise<CommandPageDto> {
    return this.commands.list(query);
  }

  @Get(':id')
  @RequirePermission('InventoryRead')
  @ApiOperation({ summary: 'A fleet command: status, counts per target status, who ran it and when' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CommandDto })
  @ApiProblems(400, 404, 503)
  get(@Param('id', new ParseUuidPipe('id')) id: string): Promise<CommandDto> {
    return this.commands.get(id);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @RequirePermission('CommandsRun')
  @ApiOperation({ summary: 'Cancel a running command', description: 'No new target starts; running ones are stopped; all of them end CANCELLED. 409 when the command has already finished.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiAcceptedResponse({ type: CommandDto })
  @ApiProblems(400, 404, 409, 503)
  cancel(@Param('id', new ParseUuidPipe('id')) id: string, @CurrentIdentity() identity: Identity | undefined): Promise<CommandDto> {
    return this.commands.cancel(id, identity);
  }

  @Get(':id/results')
  @RequirePermission('InventoryRead')
  @ApiOperation({ summary: 'Per-target results', description: 'In target order, paged by `cursor`; each with the first 4 KB of stdout and stderr.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CommandResultPageDto })
  @ApiProblems(400, 404, 503)
  results(@Param('id', new ParseUuidPipe('id')) id: string, @Query() query: ListCommandResultsQuery): Promise<CommandResultPageDto> {
    return this.commands.results(id, query);
  }

  @Get(':id/results/:account_id/:region')
  @RequirePermission('InventoryRead')
  @ApiOperation({ summary: 'The whole output of one target', description: 'stdout and stderr as stored (up to fleet.command_output_max_bytes per stream; `output_truncated` says when cut), and `json` when stdout is JSON.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'account_id', example: '123456789012' })
  @ApiParam({ name: 'region', example: 'us-east-1' })
  @ApiOkResponse({ type: CommandOutputDto })
  @ApiProblems(400, 404, 503)
  result(@Param('id', new ParseUuidPipe('id')) id: string, @Param('account_id') accountId: string, @Param('region') region: string): Promise<CommandOutputDto> {
    return this.commands.output({ id, account_id: accountId, region });
  }
}
