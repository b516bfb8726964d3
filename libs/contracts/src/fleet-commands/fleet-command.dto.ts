import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CommandTargetsDto } from './fleet-command-requests';
import { COMMAND_ROLES, CommandRole, CommandStatus, CommandTargetStatus, FLEET_COMMAND_LIMITS } from './fleet-command.enums';
import { PageOf } from '../common/page.dto';

/**
 * A stored output travels over NATS (1 MB max_payload) in parts: the first reply carries the first part of each
 * stream and where the rest starts (`*_next_offset`, null when complete); the gateway asks for the rest per stream.
 */
export interface CommandOutputFirstPart extends Omit<CommandOutputDto, 'json'> {
  stdout_next_offset: number | null;
  stderr_next_offset: number | null;
}

export interface CommandOutputPart {
  chunk: string;
  next_offset: number | null;
}

export class CommandTargetRefDto {
  @ApiProperty({ example: '123456789012' }) account_id!: string;
  @ApiProperty({ example: 'us-east-1' }) region!: string;
}

export class CommandPolicyVerdictDto {
  @ApiProperty() allowed!: boolean;
  @ApiPropertyOptional({ example: 'ec2' }) service?: string;
  @ApiPropertyOptional({ example: 'describe-instances' }) operation?: string;
  @ApiPropertyOptional({ description: 'Whether the command changes anything (needs operator/admin and allow_mutations)' }) mutating?: boolean;
  @ApiPropertyOptional({ description: 'Refusal code (docs/cli-policy.md)', example: 'CLI_MUTATION_FORBIDDEN' }) code?: string;
  @ApiPropertyOptional() message?: string;
}

/** 200 for `dry_run: true`: what would run, nothing stored. */
export class CommandDryRunDto {
  @ApiProperty({ enum: [true] }) dry_run!: true;
  @ApiProperty() command!: string;
  @ApiProperty({ type: CommandPolicyVerdictDto }) policy!: CommandPolicyVerdictDto;
  @ApiProperty() targets_total!: number;
  @ApiProperty({ type: [CommandTargetRefDto] }) targets!: CommandTargetRefDto[];
}

/** 202: the command was accepted and runs in the background. */
export class CommandAcceptedDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: Object.values(CommandStatus) }) status!: CommandStatus;
  @ApiProperty() targets_total!: number;
  @ApiProperty({ example: '/api/v1/commands/6f1c2b1e-3c2d-4a9e-8f7a-0d9c1b2a3e4f' }) location!: string;
}

export class CommandCountsDto {
  @ApiProperty() total!: number;
  @ApiProperty() pending!: number;
  @ApiProperty() in_progress!: number;
  @ApiProperty() success!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() timed_out!: number;
  @ApiProperty() cancelled!: number;
  @ApiProperty() skipped!: number;
}

export class CommandRequesterViewDto {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: COMMAND_ROLES }) role!: CommandRole;
}

export class CommandDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() command!: string;
  @ApiProperty({ example: 'ec2' }) service!: string;
  @ApiProperty({ example: 'describe-instances' }) operation!: string;
  @ApiProperty() mutating!: boolean;
  @ApiProperty({ enum: Object.values(CommandStatus) }) status!: CommandStatus;
  @ApiProperty({ nullable: true, type: String, description: 'Why the command stopped early (max_errors exceeded, interrupted, cancelled by …)' }) status_reason!: string | null;
  @ApiProperty({ type: CommandTargetsDto }) targets!: CommandTargetsDto;
  @ApiProperty() max_concurrency!: number;
  @ApiProperty({ oneOf: [{ type: 'integer' }, { type: 'string' }] }) max_errors!: number | string;
  @ApiProperty() timeout_seconds!: number;
  @ApiProperty() allow_mutations!: boolean;
  @ApiProperty({ type: CommandRequesterViewDto, description: 'Who ran it' }) requested_by!: CommandRequesterViewDto;
  @ApiProperty({ type: CommandCountsDto }) counts!: CommandCountsDto;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finished_at!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Who asked to cancel' }) cancelled_by!: string | null;
}

export class CommandPageDto extends PageOf(CommandDto) {}

export class CommandResultDto {
  @ApiProperty({ example: '123456789012' }) account_id!: string;
  @ApiProperty({ example: 'us-east-1' }) region!: string;
  @ApiProperty({ enum: Object.values(CommandTargetStatus) }) status!: CommandTargetStatus;
  @ApiProperty({ nullable: true, type: Number }) exit_code!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Run time of the CLI process itself' }) duration_ms!: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why the target failed (the CLI\'s last stderr line, or the credential error)' }) error!: string | null;
  @ApiProperty({ description: `First ${FLEET_COMMAND_LIMITS.previewBytes} bytes of stdout` }) output_preview!: string;
  @ApiProperty({ description: `First ${FLEET_COMMAND_LIMITS.previewBytes} bytes of stderr` }) stderr_preview!: string;
  @ApiProperty({ description: 'Whether the previews are shorter than the output (fetch the whole output)' }) preview_truncated!: boolean;
  @ApiProperty({ description: 'Bytes the CLI wrote to stdout and stderr' }) output_bytes!: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) started_at!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finished_at!: string | null;
}

export class CommandResultPageDto extends PageOf(CommandResultDto, { total: true }) {}

/** GET /commands/{id}/results/{account_id}/{region}: the whole output of one target. */
export class CommandOutputDto extends CommandResultDto {
  @ApiProperty() stdout!: string;
  @ApiProperty() stderr!: string;
  @ApiProperty({ nullable: true, description: 'stdout parsed, when it is JSON' }) json!: unknown;
  @ApiProperty({ description: 'True when the output was larger than the stored bound (fleet.command_output_max_bytes per stream)' }) output_truncated!: boolean;
}

export class CommandCheckDto {
  @ApiProperty() command!: string;
  @ApiProperty({ enum: COMMAND_ROLES, description: 'The role the verdict is for: the caller\'s' }) role!: CommandRole;
  @ApiProperty({ type: CommandPolicyVerdictDto, description: 'As if run with allow_mutations: true; `mutating` says whether it needs that (and a confirmation over MCP)' }) policy!: CommandPolicyVerdictDto;
  @ApiProperty({ nullable: true, type: String, description: 'The real CLI\'s help of the operation as plain text; null when the command does not parse or help was not asked for' }) help!: string | null;
  @ApiProperty({ description: 'True when the help was longer than 64 KiB and was cut' }) help_truncated!: boolean;
}
