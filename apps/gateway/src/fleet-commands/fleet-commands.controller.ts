import { RequirePermission } from '@app/auth';
import {
  CommandAcceptedDto,
  CommandDryRunDto,
  CommandDto,
  CommandOutputDto,
  CommandOutputFirstPart,
  CommandOutputPart,
  CommandPageDto,
  CommandRequesterDto,
  CommandResultPageDto,
  ListCommandResultsQuery,
  ListCommandsQuery,
  parseCommandJson,
  RpcSubjects,
  RunCommandBody,
} from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { ApiProblems, ParseUuidPipe } from '@app/platform';
import { Body, Controller, createParamDecorator, ExecutionContext, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The part of the guard's identity (`req.identity`, see auth/auth.guard.ts) that fleet commands record and check. */
interface CallerIdentity {
  name: string;
  role: string;
}

/**
 * Who asks, as fleet-service's policy sees it: the authenticated identity, never the body. Without one (a
 * route reached without the guard) the caller is an anonymous viewer, who may only run reads. An unknown role
 * is refused by fleet-service's validation of `requested_by.role`.
 */
export function requesterOf(identity: CallerIdentity | undefined): CommandRequesterDto {
  return identity && typeof identity.name === 'string' && typeof identity.role === 'string'
    ? { name: identity.name.slice(0, 256) || 'unnamed', role: identity.role as CommandRequesterDto['role'] }
    : { name: 'anonymous', role: 'viewer' };
}

const Requester = createParamDecorator((_data: unknown, ctx: ExecutionContext): CommandRequesterDto =>
  requesterOf(ctx.switchToHttp().getRequest<FastifyRequest & { identity?: CallerIdentity }>().identity),
);

/**
 * Fleet commands: one AWS CLI command across accounts × regions (docs/fleet-commands.md). Thin: the body is
 * validated here, the caller's identity is added, and fleet-service checks the command policy with that role
 * (mutations need operator/admin and allow_mutations) before anything is stored or run.
 */
@ApiTags('commands')
@ApiExtraModels(CommandAcceptedDto, CommandDryRunDto)
@Controller('api/v1/commands')
export class FleetCommandsController {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

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
  async run(@Body() body: RunCommandBody, @Requester() requester: CommandRequesterDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandAcceptedDto | CommandDryRunDto> {
    const result = await this.bus.request<CommandAcceptedDto | CommandDryRunDto>(RpcSubjects.FleetCommandRun, { ...body, requested_by: requester }, { timeoutMs: 30_000 });
    if ('dry_run' in result) reply.status(200);
    else reply.header('location', result.location);
    return result;
  }

  @Get()
  @RequirePermission('InventoryRead')
  @ApiOperation({ summary: 'List fleet commands', description: 'Newest first, paged by `cursor`.' })
  @ApiOkResponse({ type: CommandPageDto })
  @ApiProblems(400, 503)
  list(@Query() query: ListCommandsQuery): Promise<CommandPageDto> {
    return this.bus.request(RpcSubjects.FleetCommandList, query);
  }

  @Get(':id')
  @RequirePermission('InventoryRead')
  @ApiOperation({ summary: 'A fleet command: status, counts per target status, who ran it and when' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CommandDto })
  @ApiProblems(400, 404, 503)
  get(@Param('id', new ParseUuidPipe('id')) id: string): Promise<CommandDto> {
    return this.bus.request(RpcSubjects.FleetCommandGet, { id });
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @RequirePermission('CommandsRun')
  @ApiOperation({ summary: 'Cancel a running command', description: 'No new target starts; running ones are stopped; all of them end CANCELLED. 409 when the command has already finished.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiAcceptedResponse({ type: CommandDto })
  @ApiProblems(400, 404, 409, 503)
  cancel(@Param('id', new ParseUuidPipe('id')) id: string, @Requester() requester: CommandRequesterDto): Promise<CommandDto> {
    return this.bus.request(RpcSubjects.FleetCommandCancel, { id, requested_by: requester });
  }

  @Get(':id/results')
  @RequirePermission('InventoryRead')
  @ApiOperation({ summary: 'Per-target results', description: 'In target order, paged by `cursor`; each with the first 4 KB of stdout and stderr.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CommandResultPageDto })
  @ApiProblems(400, 404, 503)
  results(@Param('id', new ParseUuidPipe('id')) id: string, @Query() query: ListCommandResultsQuery): Promise<CommandResultPageDto> {
    return this.bus.request(RpcSubjects.FleetCommandResults, { ...query, id });
  }

  @Get(':id/results/:account_id/:region')
  @RequirePermission('InventoryRead')
  @ApiOperation({ summary: 'The whole output of one target', description: 'stdout and stderr as stored (up to fleet.command_output_max_bytes per stream; `output_truncated` says when cut), and `json` when stdout is JSON.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'account_id', example: '123456789012' })
  @ApiParam({ name: 'region', example: 'us-east-1' })
  @ApiOkResponse({ type: CommandOutputDto })
  @ApiProblems(400, 404, 503)
  async result(@Param('id', new ParseUuidPipe('id')) id: string, @Param('account_id') accountId: string, @Param('region') region: string): Promise<CommandOutputDto> {
    // The output crosses NATS in parts (its 1 MB max_payload); assembled here, up to the stored bound (16 MiB per stream).
    const target = { id, account_id: accountId, region };
    const { stdout_next_offset, stderr_next_offset, ...first } = await this.bus.request<CommandOutputFirstPart>(RpcSubjects.FleetCommandResult, target, { timeoutMs: 30_000 });
    const rest = async (stream: 'stdout' | 'stderr', head: string, offset: number | null): Promise<string> => {
      const parts = [head];
      for (let next = offset; next !== null; ) {
        const part: CommandOutputPart = await this.bus.request(RpcSubjects.FleetCommandResult, { ...target, stream, offset: next }, { timeoutMs: 30_000 });
        parts.push(part.chunk);
        if (part.next_offset !== null && part.next_offset <= next) throw new Error(`fleet-service returned no progress reading ${stream} at ${next}`);
        next = part.next_offset;
      }
      return parts.join('');
    };
    const stdout = await rest('stdout', first.stdout, stdout_next_offset);
    const stderr = await rest('stderr', first.stderr, stderr_next_offset);
    return { ...first, stdout, stderr, json: first.output_truncated ? null : parseCommandJson(stdout) };
  }
}
