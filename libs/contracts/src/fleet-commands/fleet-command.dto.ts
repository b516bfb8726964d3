import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidateNested,
  ValidationArguments,
  ValidationOptions,
} from 'class-validator';
import { IsStringRecord } from '../common/validators';
import { ACCOUNT_ID_PATTERN, IsRegionSelection, REGION_PATTERN } from '../fleet/fleet.validators';

/** Status of one account × region target of a fleet command (the same vocabulary as SSM Run Command). */
export const CommandTargetStatus = {
  Pending: 'PENDING',
  InProgress: 'IN_PROGRESS',
  Success: 'SUCCESS',
  Failed: 'FAILED',
  TimedOut: 'TIMED_OUT',
  Cancelled: 'CANCELLED',
  /** Never started: max_errors was exceeded before its turn. */
  Skipped: 'SKIPPED',
} as const;
export type CommandTargetStatus = (typeof CommandTargetStatus)[keyof typeof CommandTargetStatus];

/** Status of the whole command. SUCCESS only when every target succeeded. */
export const CommandStatus = {
  InProgress: 'IN_PROGRESS',
  Success: 'SUCCESS',
  Failed: 'FAILED',
  Cancelled: 'CANCELLED',
} as const;
export type CommandStatus = (typeof CommandStatus)[keyof typeof CommandStatus];

export const COMMAND_ROLES = ['viewer', 'operator', 'admin'] as const;
export type CommandRole = (typeof COMMAND_ROLES)[number];

/** Bounds, shared by the contract and the service. */
export const FLEET_COMMAND_LIMITS = {
  maxConcurrency: 64,
  maxTimeoutSeconds: 3600,
  maxAccounts: 1000,
  /** Targets (accounts × regions) one command may expand to. */
  maxTargets: 5000,
  /** Bytes of stdout (and of stderr) shown per target in the results list. */
  previewBytes: 4096,
} as const;

/** `max_errors`: a count of failed targets, or a percentage of all targets ("10%"), as in SSM Run Command. */
export const MAX_ERRORS_PATTERN = /^(100|[1-9]?\d)%$/;

function IsAccountSelection(validationOptions?: ValidationOptions) {
  return function (object: object, propertyName: string) {
    registerDecorator({
      name: 'isAccountSelection',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate(value: unknown) {
          if (value === 'all') return true;
          if (!Array.isArray(value) || value.length === 0 || value.length > FLEET_COMMAND_LIMITS.maxAccounts) return false;
          return value.every((a) => typeof a === 'string' && ACCOUNT_ID_PATTERN.test(a)) && new Set(value).size === value.length;
        },
        defaultMessage(args: ValidationArguments) {
          return `${args.property} must be "all" or a list of 1-${FLEET_COMMAND_LIMITS.maxAccounts} distinct 12-digit account ids`;
        },
      },
    });
  };
}

function IsMaxErrors(validationOptions?: ValidationOptions) {
  return function (object: object, propertyName: string) {
    registerDecorator({
      name: 'isMaxErrors',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate(value: unknown) {
          if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= FLEET_COMMAND_LIMITS.maxTargets;
          return typeof value === 'string' && MAX_ERRORS_PATTERN.test(value);
        },
        defaultMessage(args: ValidationArguments) {
          return `${args.property} must be a whole number of targets (0-${FLEET_COMMAND_LIMITS.maxTargets}) or a percentage such as "10%"`;
        },
      },
    });
  };
}

export class CommandTargetsDto {
  @ApiProperty({ description: '"all" (every enabled account) or a list of registered account ids', oneOf: [{ type: 'string', enum: ['all'] }, { type: 'array', items: { type: 'string', pattern: '^\\d{12}$' } }], example: ['123456789012'] })
  @IsDefined() @IsAccountSelection()
  account_ids!: string[] | 'all';

  @ApiProperty({ description: '"*" (each account\'s configured regions) or a list applied to every account', oneOf: [{ type: 'string', enum: ['*'] }, { type: 'array', items: { type: 'string', example: 'us-east-1' } }], example: ['us-east-1', 'eu-west-1'] })
  @IsDefined() @IsRegionSelection()
  regions!: string[] | '*';

  @ApiPropertyOptional({ description: 'Only accounts carrying every one of these tags', type: 'object', additionalProperties: { type: 'string' }, example: { env: 'prod' } })
  @IsOptional() @IsStringRecord({ maxEntries: 20 })
  account_tags?: Record<string, string>;
}

/** POST /api/v1/commands (the HTTP body). Who asks is not part of it: the gateway adds `requested_by`. */
export class RunCommandBody {
  @ApiProperty({ description: 'One AWS CLI command, without a shell: "<service> <operation> [options]" (a leading "aws" is dropped). See docs/cli-policy.md.', example: 'ec2 describe-instances --filters Name=instance-state-name,Values=running' })
  @IsString() @MinLength(1) @MaxLength(65536)
  command!: string;

  @ApiProperty({ type: CommandTargetsDto })
  @IsDefined() @ValidateNested() @Type(() => CommandTargetsDto)
  targets!: CommandTargetsDto;

  @ApiPropertyOptional({ minimum: 1, maximum: FLEET_COMMAND_LIMITS.maxConcurrency, default: 8, description: 'Targets running at once' })
  @IsOptional() @IsInt() @Min(1) @Max(FLEET_COMMAND_LIMITS.maxConcurrency)
  max_concurrency?: number = 8;

  @ApiPropertyOptional({ description: 'Once more targets than this have failed or timed out, no new target starts (running ones finish, the rest are SKIPPED). A count, or a percentage of all targets.', oneOf: [{ type: 'integer', minimum: 0 }, { type: 'string', example: '10%' }], default: 0 })
  @IsOptional() @IsMaxErrors()
  max_errors?: number | string = 0;

  @ApiPropertyOptional({ minimum: 1, maximum: FLEET_COMMAND_LIMITS.maxTimeoutSeconds, default: 300, description: 'Per target; the CLI is then stopped and the target is TIMED_OUT' })
  @IsOptional() @IsInt() @Min(1) @Max(FLEET_COMMAND_LIMITS.maxTimeoutSeconds)
  timeout_seconds?: number = 300;

  @ApiPropertyOptional({ default: false, description: 'Required (with the operator or admin role) for commands that change anything' })
  @IsOptional() @IsBoolean()
  allow_mutations?: boolean = false;

  @ApiPropertyOptional({ default: false, description: 'Expand the targets and check the policy; run nothing, store nothing' })
  @IsOptional() @IsBoolean()
  dry_run?: boolean = false;
}

/** The authenticated caller, as the gateway saw it. Never taken from the client. */
export class CommandRequesterDto {
  @ApiProperty({ example: 'alice' })
  @IsString() @MinLength(1) @MaxLength(256)
  name!: string;

  @ApiProperty({ enum: COMMAND_ROLES })
  @IsIn(COMMAND_ROLES)
  role!: CommandRole;
}

/** rpc.fleet.command.run: the body plus who asks. */
export class RunCommandRequest extends RunCommandBody {
  @IsDefined() @ValidateNested() @Type(() => CommandRequesterDto)
  requested_by!: CommandRequesterDto;
}

export class CommandIdRequest {
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}

export class CancelCommandRequest extends CommandIdRequest {
  @IsDefined() @ValidateNested() @Type(() => CommandRequesterDto)
  requested_by!: CommandRequesterDto;
}

export class ListCommandsQuery {
  @ApiPropertyOptional({ enum: Object.values(CommandStatus) })
  @IsOptional() @IsIn(Object.values(CommandStatus))
  status?: CommandStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from `next_cursor`' })
  @IsOptional() @IsString() @MaxLength(128)
  cursor?: string;
}

export class ListCommandResultsQuery {
  @ApiPropertyOptional({ enum: Object.values(CommandTargetStatus) })
  @IsOptional() @IsIn(Object.values(CommandTargetStatus))
  status?: CommandTargetStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from `next_cursor`' })
  @IsOptional() @IsString() @MaxLength(32)
  cursor?: string;
}

/** rpc.fleet.command.results: the path's id plus the query. */
export class ListCommandResultsRequest extends ListCommandResultsQuery {
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CommandTargetRequest extends CommandIdRequest {
  @Transform(trim) @IsString() @Matches(ACCOUNT_ID_PATTERN, { message: 'account_id must be 12 digits' })
  account_id!: string;

  @Transform(trim) @IsString() @Matches(REGION_PATTERN, { message: 'region must be an AWS region such as us-east-1' })
  region!: string;

  /** rpc.fleet.command.result in parts: one stream from `offset` (characters). Absent: the result with the first part of each stream. */
  @IsOptional() @IsIn(['stdout', 'stderr'])
  stream?: 'stdout' | 'stderr';

  @IsOptional() @IsInt() @Min(0) @Max(64 * 1024 * 1024)
  offset?: number;
}

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

export class CommandPageDto {
  @ApiProperty({ type: [CommandDto] }) items!: CommandDto[];
  @ApiProperty() limit!: number;
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

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

export class CommandResultPageDto {
  @ApiProperty({ type: [CommandResultDto] }) items!: CommandResultDto[];
  @ApiProperty() limit!: number;
  @ApiProperty() total!: number;
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

/** GET /commands/{id}/results/{account_id}/{region}: the whole output of one target. */
export class CommandOutputDto extends CommandResultDto {
  @ApiProperty() stdout!: string;
  @ApiProperty() stderr!: string;
  @ApiProperty({ nullable: true, description: 'stdout parsed, when it is JSON' }) json!: unknown;
  @ApiProperty({ description: 'True when the output was larger than the stored bound (fleet.command_output_max_bytes per stream)' }) output_truncated!: boolean;
}

export interface CommandStartedData {
  id: string;
  command: string;
  service: string;
  operation: string;
  mutating: boolean;
  requested_by: { name: string; role: CommandRole };
  targets_total: number;
  created_at: string;
}

export interface CommandTargetCompletedData {
  id: string;
  account_id: string;
  region: string;
  status: CommandTargetStatus;
  exit_code: number | null;
  duration_ms: number | null;
}

export interface CommandCompletedData {
  id: string;
  status: CommandStatus;
  status_reason: string | null;
  counts: CommandCountsDto;
  finished_at: string;
}
