import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidationArguments,
  ValidationOptions,
} from 'class-validator';
import { IsStringRecord, Nested, Optional } from '../common/validators';
import { ACCOUNT_ID_PATTERN, IsRegionSelection, REGION_PATTERN } from '../fleet/fleet.validators';
import { COMMAND_ROLES, CommandRole, CommandStatus, CommandTargetStatus, FLEET_COMMAND_LIMITS, MAX_ERRORS_PATTERN } from './fleet-command.enums';

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
  @Optional() @IsStringRecord({ maxEntries: 20 })
  account_tags?: Record<string, string>;
}

/** POST /api/v1/commands (the HTTP body). Who asks is not part of it: the gateway adds `requested_by`. */
export class RunCommandBody {
  @ApiProperty({ description: 'One AWS CLI command, without a shell: "<service> <operation> [options]" (a leading "aws" is dropped). See docs/cli-policy.md.', example: 'ec2 describe-instances --filters Name=instance-state-name,Values=running' })
  @IsString() @MinLength(1) @MaxLength(65536)
  command!: string;

  @ApiProperty({ type: CommandTargetsDto })
  @IsDefined() @Nested(() => CommandTargetsDto)
  targets!: CommandTargetsDto;

  @ApiPropertyOptional({ minimum: 1, maximum: FLEET_COMMAND_LIMITS.maxConcurrency, default: 8, description: 'Targets running at once' })
  @Optional() @IsInt() @Min(1) @Max(FLEET_COMMAND_LIMITS.maxConcurrency)
  max_concurrency?: number = 8;

  @ApiPropertyOptional({ description: 'Once more targets than this have failed or timed out, no new target starts (running ones finish, the rest are SKIPPED). A count, or a percentage of all targets.', oneOf: [{ type: 'integer', minimum: 0 }, { type: 'string', example: '10%' }], default: 0 })
  @Optional() @IsMaxErrors()
  max_errors?: number | string = 0;

  @ApiPropertyOptional({ minimum: 1, maximum: FLEET_COMMAND_LIMITS.maxTimeoutSeconds, default: 300, description: 'Per target; the CLI is then stopped and the target is TIMED_OUT' })
  @Optional() @IsInt() @Min(1) @Max(FLEET_COMMAND_LIMITS.maxTimeoutSeconds)
  timeout_seconds?: number = 300;

  @ApiPropertyOptional({ default: false, description: 'Required (with the operator or admin role) for commands that change anything' })
  @Optional() @IsBoolean()
  allow_mutations?: boolean = false;

  @ApiPropertyOptional({ default: false, description: 'Expand the targets and check the policy; run nothing, store nothing' })
  @Optional() @IsBoolean()
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
  @IsDefined() @Nested(() => CommandRequesterDto)
  requested_by!: CommandRequesterDto;
}

export class CommandIdRequest {
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}

export class CancelCommandRequest extends CommandIdRequest {
  @IsDefined() @Nested(() => CommandRequesterDto)
  requested_by!: CommandRequesterDto;
}

export class ListCommandsQuery {
  @ApiPropertyOptional({ enum: Object.values(CommandStatus) })
  @Optional() @IsIn(Object.values(CommandStatus))
  status?: CommandStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @Optional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from `next_cursor`' })
  @Optional() @IsString() @MaxLength(128)
  cursor?: string;
}

export class ListCommandResultsQuery {
  @ApiPropertyOptional({ enum: Object.values(CommandTargetStatus) })
  @Optional() @IsIn(Object.values(CommandTargetStatus))
  status?: CommandTargetStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @Optional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from `next_cursor`' })
  @Optional() @IsString() @MaxLength(32)
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
  @Optional() @IsIn(['stdout', 'stderr'])
  stream?: 'stdout' | 'stderr';

  @Optional() @IsInt() @Min(0) @Max(64 * 1024 * 1024)
  offset?: number;
}

/** POST /api/v1/commands/check: the policy's verdict on a command for the caller, and its help text, without running it. */
export class CheckCommandBody {
  @ApiProperty({ description: 'One AWS CLI command as POST /commands takes it', example: 'ec2 terminate-instances --instance-ids i-0abc' })
  @IsString() @MinLength(1) @MaxLength(65536)
  command!: string;

  @ApiPropertyOptional({ default: true, description: 'Also the help text of the operation (`aws <service> <operation> help`)' })
  @Optional() @IsBoolean()
  help?: boolean = true;
}

/** rpc.fleet.command.check: the body plus who asks. */
export class CheckCommandRequest extends CheckCommandBody {
  @IsDefined() @Nested(() => CommandRequesterDto)
  requested_by!: CommandRequesterDto;
}
