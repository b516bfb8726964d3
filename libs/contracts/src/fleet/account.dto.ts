import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsStringRecord, Optional, OptionalOrNull } from '../common/validators';
import { ACCOUNT_ID_PATTERN, IsRegionSelection, REGION_PATTERN, RoleInAccount, ROLE_ARN_PATTERN } from './fleet.validators';
import { toBoolean } from '../common/query-transforms';
import { PageOf } from '../common/page.dto';

/** `a,b` or a repeated key, as a list of trimmed non-empty strings. */
const toCommaList = ({ value }: { value: unknown }): unknown =>
  value === undefined ? undefined : (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [v])).map((v) => (typeof v === 'string' ? v.trim() : v)).filter((v) => v !== '');

export const AccountStatus = {
  /** Registered, access not checked yet. */
  Pending: 'PENDING',
  /** The last check (on save or at a sync) could act in the account. */
  Ok: 'OK',
  /** The role could not be assumed (or credentials resolve elsewhere): `status_message` holds AWS's message. */
  Error: 'ERROR',
} as const;
export type AccountStatus = (typeof AccountStatus)[keyof typeof AccountStatus];


/** What can be set on an account (PUT body; everything but the account id). */
export class AccountSettingsDto {
  @ApiProperty({ example: 'production', maxLength: 128 })
  @IsString() @MinLength(1) @MaxLength(128)
  name!: string;

  @ApiPropertyOptional({ description: 'IAM role to assume in the account; absent: the service\'s own credentials (default chain, e.g. AWS_PROFILE)', example: 'arn:aws:iam::111111111111:role/FleetReader', nullable: true, type: String })
  @OptionalOrNull() @IsString() @Matches(ROLE_ARN_PATTERN, { message: 'role_arn must be an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>)' }) @RoleInAccount('account_id')
  role_arn?: string | null;

  @ApiPropertyOptional({ description: 'ExternalId for AssumeRole; write-only (never returned)', minLength: 2, maxLength: 1224, nullable: true, type: String })
  @OptionalOrNull() @IsString() @Matches(/^[\w+=,.@:/-]{2,1224}$/, { message: 'external_id must be 2-1224 characters of letters, digits and +=,.@:/-_' })
  external_id?: string | null;

  @ApiProperty({ description: '"*" for every region enabled in the account, or a list', oneOf: [{ type: 'string', enum: ['*'] }, { type: 'array', items: { type: 'string', example: 'us-east-1' } }], example: ['us-east-1', 'eu-west-1'] })
  @IsRegionSelection()
  regions!: string[] | '*';

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { env: 'prod' } })
  @Optional() @IsStringRecord()
  tags?: Record<string, string> = {};

  @ApiPropertyOptional({ minimum: 5, maximum: 10080, default: 60, description: 'Periodic sync interval' })
  @Optional() @Type(() => Number) @IsInt() @Min(5) @Max(10080)
  sync_interval_minutes?: number = 60;

  @ApiPropertyOptional({ default: true })
  @Optional() @IsBoolean()
  enabled?: boolean = true;
}

/** POST /accounts. */
export class CreateAccountRequest extends AccountSettingsDto {
  @ApiProperty({ example: '123456789012', pattern: '^\\d{12}$' })
  @IsString() @Matches(ACCOUNT_ID_PATTERN, { message: 'account_id must be 12 digits' })
  account_id!: string;
}

/** PUT /accounts/{account_id} over NATS: the path's id plus the full settings. */
export class UpdateAccountRequest extends CreateAccountRequest {}

export class AccountIdRequest {
  @IsString() @Matches(ACCOUNT_ID_PATTERN, { message: 'account_id must be 12 digits' })
  account_id!: string;
}

export class ListAccountsQuery {
  @ApiPropertyOptional({ enum: Object.values(AccountStatus) })
  @Optional() @IsIn(Object.values(AccountStatus))
  status?: AccountStatus;

  @ApiPropertyOptional({ type: Boolean })
  @Optional() @Transform(toBoolean) @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ description: 'Only these accounts (comma-separated or repeated, at most 100)', type: String, example: '123456789012,111111111111' })
  @Optional() @Transform(toCommaList) @IsArray() @ArrayMaxSize(100) @Matches(ACCOUNT_ID_PATTERN, { each: true, message: 'account_ids must be 12-digit account ids' })
  account_ids?: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @Optional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from `next_cursor`' })
  @Optional() @IsString() @MaxLength(64)
  cursor?: string;
}

export class AccountDto {
  @ApiProperty({ example: '123456789012' }) account_id!: string;
  @ApiProperty({ example: 'production' }) name!: string;
  @ApiProperty({ nullable: true, type: String }) role_arn!: string | null;
  @ApiProperty({ description: 'Whether an ExternalId is stored (its value is never returned)' }) external_id_set!: boolean;
  @ApiProperty({ oneOf: [{ type: 'string', enum: ['*'] }, { type: 'array', items: { type: 'string' } }] }) regions!: string[] | '*';
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) tags!: Record<string, string>;
  @ApiProperty({ example: 60 }) sync_interval_minutes!: number;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: Object.values(AccountStatus) }) status!: AccountStatus;
  @ApiProperty({ nullable: true, type: String, description: 'AWS\'s message when the account cannot be reached' }) status_message!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) status_checked_at!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_sync_at!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) next_sync_at!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class AccountPageDto extends PageOf(AccountDto, { total: true }) {}

/** POST /accounts/discover: register every account of the caller's AWS Organization. */
export class DiscoverAccountsRequest {
  @ApiProperty({ description: 'Role name present in every member account', example: 'OrganizationAccountAccessRole' })
  @IsString() @Matches(/^[\w+=,.@-]{1,64}$/, { message: 'role_name must be an IAM role name (1-64 characters of letters, digits and +=,.@-_)' })
  role_name!: string;

  @ApiPropertyOptional({ description: 'ExternalId for every discovered account (write-only)', nullable: true, type: String })
  @OptionalOrNull() @IsString() @Matches(/^[\w+=,.@:/-]{2,1224}$/, { message: 'external_id must be 2-1224 characters of letters, digits and +=,.@:/-_' })
  external_id?: string | null;

  @ApiPropertyOptional({ default: '*', description: 'Regions of the new accounts: "*" (each account\'s enabled regions) or a list', oneOf: [{ type: 'string', enum: ['*'] }, { type: 'array', items: { type: 'string', example: 'us-east-1' } }] })
  @Optional() @IsRegionSelection()
  regions?: string[] | '*' = '*';

  @ApiPropertyOptional({ minimum: 5, maximum: 10080, default: 60 })
  @Optional() @Type(() => Number) @IsInt() @Min(5) @Max(10080)
  sync_interval_minutes?: number = 60;

  @ApiPropertyOptional({ default: true })
  @Optional() @IsBoolean()
  enabled?: boolean = true;

  @ApiPropertyOptional({ description: 'Region to call Organizations from', example: 'us-east-1' })
  @Optional() @IsString() @Matches(REGION_PATTERN, { message: 'region must be an AWS region such as us-east-1' })
  region?: string;
}

export class DiscoveredAccountDto {
  @ApiProperty() account_id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['created', 'exists', 'skipped'], description: 'skipped: the account is not ACTIVE in the organization' }) outcome!: 'created' | 'exists' | 'skipped';
  @ApiProperty({ nullable: true, type: String }) role_arn!: string | null;
}

export class DiscoverAccountsResultDto {
  @ApiProperty({ type: [DiscoveredAccountDto] }) accounts!: DiscoveredAccountDto[];
  @ApiProperty() created!: number;
}

