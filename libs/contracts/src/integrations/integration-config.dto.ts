import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsNumber,
  IsString,
  IsUrl,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsBoundedObject, IsStringRecord, Nested, Optional, OptionalOrNull } from '../common/validators';
import { AuthType, Direction, IntegrationType } from './integration.enums';
import { DeliverySettingsDto, SubscriptionDto } from './delivery.dto';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * Authentication of an integration's calls (the seed's `AuthConfig`). Which fields apply depends on `type`;
 * the secret ones (see AUTH_SECRET_FIELDS) are encrypted at rest and never returned in clear.
 */
export class AuthConfigDto {
  @ApiProperty({ enum: AuthType, default: AuthType.NONE })
  @IsEnum(AuthType)
  type: AuthType = AuthType.NONE;

  @ApiPropertyOptional({ description: 'API_KEY: the key (secret)', example: 'sk_live_123' })
  @Optional() @IsString() @MaxLength(4096)
  api_key?: string;

  @ApiPropertyOptional({ description: 'API_KEY: header or query parameter name', default: 'X-API-Key' })
  @Optional() @IsString() @Length(1, 128)
  name?: string;

  @ApiPropertyOptional({ description: 'API_KEY: where the key goes', enum: ['header', 'query'], default: 'header' })
  @Optional() @IsIn(['header', 'query'])
  in?: 'header' | 'query';

  @ApiPropertyOptional({ description: 'BASIC: user name' })
  @Optional() @IsString() @MaxLength(512)
  username?: string;

  @ApiPropertyOptional({ description: 'BASIC: password (secret)' })
  @Optional() @IsString() @MaxLength(4096)
  password?: string;

  @ApiPropertyOptional({ description: 'BEARER_TOKEN: the token; OAUTH1: the access token (secret)' })
  @Optional() @IsString() @MaxLength(16384)
  token?: string;

  @ApiPropertyOptional({ description: 'OAUTH2: client id' })
  @Optional() @IsString() @MaxLength(512)
  client_id?: string;

  @ApiPropertyOptional({ description: 'OAUTH2: client secret (secret)' })
  @Optional() @IsString() @MaxLength(4096)
  client_secret?: string;

  @ApiPropertyOptional({ description: 'OAUTH2: token endpoint (client-credentials grant)' })
  @Optional() @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  token_url?: string;

  @ApiPropertyOptional({ description: 'OAUTH2: scopes', type: [String] })
  @Optional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(256, { each: true })
  scopes?: string[];

  @ApiPropertyOptional({ description: 'OAUTH2: audience parameter' })
  @Optional() @IsString() @MaxLength(512)
  audience?: string;

  @ApiPropertyOptional({ description: 'OAUTH1: consumer key' })
  @Optional() @IsString() @MaxLength(512)
  consumer_key?: string;

  @ApiPropertyOptional({ description: 'OAUTH1: consumer secret (secret)' })
  @Optional() @IsString() @MaxLength(4096)
  consumer_secret?: string;

  @ApiPropertyOptional({ description: 'OAUTH1: token secret (secret)' })
  @Optional() @IsString() @MaxLength(4096)
  token_secret?: string;

  @ApiPropertyOptional({ description: 'AWS_SIG_V4: access key id' })
  @Optional() @IsString() @MaxLength(128)
  access_key_id?: string;

  @ApiPropertyOptional({ description: 'AWS_SIG_V4: secret access key (secret)' })
  @Optional() @IsString() @MaxLength(256)
  secret_access_key?: string;

  @ApiPropertyOptional({ description: 'AWS_SIG_V4: session token (secret)' })
  @Optional() @IsString() @MaxLength(4096)
  session_token?: string;

  @ApiPropertyOptional({ description: 'AWS_SIG_V4: service name to sign for', example: 'execute-api' })
  @Optional() @IsString() @MaxLength(64)
  service?: string;

  @ApiPropertyOptional({ description: 'AWS_SIG_V4: region to sign for', example: 'us-west-2' })
  @Optional() @IsString() @MaxLength(64)
  region?: string;

  @ApiPropertyOptional({ description: 'CERTIFICATE: client certificate (PEM)' })
  @Optional() @IsString() @MaxLength(65536)
  certificate?: string;

  @ApiPropertyOptional({ description: 'CERTIFICATE: client private key (PEM, secret)' })
  @Optional() @IsString() @MaxLength(65536)
  private_key?: string;

  @ApiPropertyOptional({ description: 'CERTIFICATE: passphrase of the private key (secret)' })
  @Optional() @IsString() @MaxLength(1024)
  passphrase?: string;

  @ApiPropertyOptional({ description: 'CERTIFICATE: CA bundle to trust (PEM)' })
  @Optional() @IsString() @MaxLength(262144)
  ca?: string;

  @ApiPropertyOptional({ description: 'CUSTOM: provider name and settings', type: Object })
  @Optional() @IsBoundedObject(16 * 1024)
  custom?: Record<string, unknown>;
}

/** The seed's `HealthCheckConfig`, same defaults. */
export class HealthCheckConfigDto {
  @ApiProperty({ default: true })
  @IsBoolean()
  enabled: boolean = true;

  @ApiProperty({ default: 300, minimum: 5, maximum: 86400 })
  @IsInt() @Min(5) @Max(86400)
  interval_seconds: number = 300;

  @ApiProperty({ default: 30, minimum: 1, maximum: 300 })
  @IsInt() @Min(1) @Max(300)
  timeout_seconds: number = 30;

  @ApiProperty({ default: 3, minimum: 1, maximum: 100 })
  @IsInt() @Min(1) @Max(100)
  failure_threshold: number = 3;

  @ApiProperty({ default: 1, minimum: 1, maximum: 100 })
  @IsInt() @Min(1) @Max(100)
  success_threshold: number = 1;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'https://hooks.example.com/health' })
  @OptionalOrNull() @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true }) @MaxLength(2048)
  endpoint: string | null = null;

  @ApiProperty({ enum: HTTP_METHODS, default: 'GET' })
  @IsIn(HTTP_METHODS)
  method: (typeof HTTP_METHODS)[number] = 'GET';

  @ApiProperty({ default: 200, minimum: 100, maximum: 599 })
  @IsInt() @Min(100) @Max(599)
  expected_status_code: number = 200;

  @ApiPropertyOptional({ nullable: true, type: String })
  @OptionalOrNull() @IsString() @MaxLength(65536)
  body: string | null = null;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, default: {} })
  @IsStringRecord({ maxEntries: 50, maxKeyLength: 256, maxValueLength: 8192 })
  headers: Record<string, string> = {};
}

/** The seed's `RetryConfig`, same defaults. */
export class RetryConfigDto {
  @ApiProperty({ default: true })
  @IsBoolean()
  enabled: boolean = true;

  @ApiProperty({ default: 3, minimum: 1, maximum: 100 })
  @IsInt() @Min(1) @Max(100)
  max_attempts: number = 3;

  @ApiProperty({ default: 1.0, minimum: 0, maximum: 3600 })
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(3600)
  initial_backoff_seconds: number = 1.0;

  @ApiProperty({ default: 60.0, minimum: 0, maximum: 86400 })
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(86400)
  max_backoff_seconds: number = 60.0;

  @ApiProperty({ default: 2.0, minimum: 1, maximum: 10 })
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(1) @Max(10)
  backoff_multiplier: number = 2.0;

  @ApiProperty({ type: [Number], default: [429, 500, 502, 503, 504] })
  @IsArray() @ArrayMaxSize(50) @IsInt({ each: true }) @Min(100, { each: true }) @Max(599, { each: true })
  retry_on_status_codes: number[] = [429, 500, 502, 503, 504];
}

/**
 * The seed's `IntegrationConfig` with its snake_case names and defaults, plus `connection`:
 * the type's own settings (URL, queue, subject, ...), validated per type by the connector plugin.
 */
export class IntegrationConfigDto {
  @ApiProperty({ example: 'ops-webhook', minLength: 1, maxLength: 128 })
  @IsString() @Length(1, 128)
  name!: string;

  // Optional, as a person expects of a description: left out it is empty (it was required, with a message about its length).
  @ApiPropertyOptional({ example: 'Sends fleet events to the ops channel', maxLength: 2000, default: '' })
  @IsString() @MaxLength(2000)
  description: string = '';

  @ApiProperty({ enum: IntegrationType, example: IntegrationType.WEBHOOK })
  @IsEnum(IntegrationType)
  type!: IntegrationType;

  @ApiProperty({ enum: Direction, example: Direction.OUTBOUND })
  @IsEnum(Direction)
  direction!: Direction;

  @ApiProperty({ default: '1.0.0', maxLength: 64 })
  @IsString() @Length(1, 64)
  version: string = '1.0.0';

  @ApiProperty({ type: AuthConfigDto })
  @Nested(() => AuthConfigDto)
  auth: AuthConfigDto = new AuthConfigDto();

  @ApiProperty({ type: HealthCheckConfigDto })
  @Nested(() => HealthCheckConfigDto)
  health_check: HealthCheckConfigDto = new HealthCheckConfigDto();

  @ApiProperty({ type: RetryConfigDto })
  @Nested(() => RetryConfigDto)
  retry: RetryConfigDto = new RetryConfigDto();

  @ApiProperty({ default: 30, minimum: 1, maximum: 3600 })
  @IsInt() @Min(1) @Max(3600)
  timeout_seconds: number = 30;

  @ApiProperty({ default: 60, minimum: 1, maximum: 1000000 })
  @IsInt() @Min(1) @Max(1000000)
  rate_limit_per_minute: number = 60;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, default: {}, example: { team: 'ops' } })
  @IsStringRecord({ maxEntries: 50, maxKeyLength: 128, maxValueLength: 256, forbidInKey: ':' })
  tags: Record<string, string> = {};

  @ApiProperty({ type: 'object', additionalProperties: true, default: {} })
  @IsBoundedObject(64 * 1024)
  metadata: Record<string, unknown> = {};

  @ApiProperty({ default: true })
  @IsBoolean()
  enabled: boolean = true;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    default: {},
    description: "The integration type's own settings; keys that look like secrets are encrypted and masked",
    example: { url: 'https://hooks.example.com/aws-mcp' },
  })
  @IsBoundedObject(64 * 1024)
  connection: Record<string, unknown> = {};

  @ApiProperty({ type: [SubscriptionDto], default: [], description: 'Events this integration receives (OUTBOUND and BIDIRECTIONAL only); see docs/delivery.md' })
  @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => SubscriptionDto)
  subscriptions: SubscriptionDto[] = [];

  @ApiProperty({ type: DeliverySettingsDto, description: 'Ordering, parallelism and circuit breaker of outbound delivery' })
  @Nested(() => DeliverySettingsDto)
  delivery: DeliverySettingsDto = new DeliverySettingsDto();
}
