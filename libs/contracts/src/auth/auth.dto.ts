import { Role } from '@app/auth';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDateString, IsEnum, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Optional } from '../common/validators';
import { PageOf } from '../common/page.dto';

/** `POST /auth/login`. */
export class LoginRequest {
  @ApiProperty({ example: 'admin' })
  @IsString() @MinLength(1) @MaxLength(128)
  username!: string;

  @ApiProperty({ format: 'password', example: 'correct horse battery staple' })
  @IsString() @MinLength(1) @MaxLength(256)
  password!: string;
}

/** `POST /auth/refresh` and `POST /auth/logout`. */
export class RefreshTokenRequest {
  @ApiProperty({ description: 'The refresh token from login or the last refresh (single use)' })
  @IsString() @MinLength(1) @MaxLength(512)
  refresh_token!: string;
}

export class TokenResponseDto {
  @ApiProperty({ description: 'JWT (HS256) to send as `Authorization: Bearer <token>`' })
  access_token!: string;

  @ApiProperty({ example: 'Bearer' })
  token_type!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 })
  expires_in!: number;

  @ApiProperty({ description: 'Opaque, single use: each refresh returns a new one; reusing an old one revokes the session' })
  refresh_token!: string;

  @ApiProperty({ description: 'Seconds until the refresh token expires', example: 604800 })
  refresh_expires_in!: number;
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$/;

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ example: 'alice' })
  username!: string;
  @ApiProperty({ enum: Role })
  role!: Role;
  @ApiProperty()
  disabled!: boolean;
  @ApiProperty({ format: 'date-time' })
  created_at!: string;
  @ApiProperty({ format: 'date-time' })
  updated_at!: string;
}

export class UserListDto {
  @ApiProperty({ type: [UserDto] })
  items!: UserDto[];
  @ApiProperty()
  total!: number;
}

export class CreateUserRequest {
  @ApiProperty({ example: 'alice', description: '3-64 characters: letters, digits, . _ @ -' })
  @IsString() @Matches(USERNAME, { message: 'username must be 3-64 characters of letters, digits, . _ @ - and start with a letter or digit' })
  username!: string;

  @ApiProperty({ format: 'password', minLength: 12, maxLength: 256 })
  @IsString() @MinLength(12) @MaxLength(256)
  password!: string;

  @ApiProperty({ enum: Role })
  @IsEnum(Role)
  role!: Role;
}

export class UpdateUserRequest {
  @ApiPropertyOptional({ enum: Role })
  @Optional() @IsEnum(Role)
  role?: Role;

  @ApiPropertyOptional({ format: 'password', minLength: 12, maxLength: 256, description: 'A new password ends every session of the user' })
  @Optional() @IsString() @MinLength(12) @MaxLength(256)
  password?: string;

  @ApiPropertyOptional({ description: 'A disabled user cannot log in; its sessions end' })
  @Optional() @IsBoolean()
  disabled?: boolean;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ example: 'ci-pipeline' })
  name!: string;
  @ApiProperty({ enum: Role })
  role!: Role;
  @ApiProperty({ description: 'The public part of the key (`mcp_<key id>`), to recognise it', example: 'mcp_3f9a1c2b7d4e8f60' })
  prefix!: string;
  @ApiProperty({ nullable: true, type: String })
  created_by!: string | null;
  @ApiProperty({ format: 'date-time' })
  created_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  expires_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  revoked_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  last_used_at!: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key, shown this once: send it as `X-API-Key`. Only its hash is stored.' })
  key!: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyDto] })
  items!: ApiKeyDto[];
  @ApiProperty()
  total!: number;
}

export class CreateApiKeyRequest {
  @ApiProperty({ example: 'ci-pipeline' })
  @IsString() @MinLength(1) @MaxLength(128) @Matches(/^[^\u0000-\u001f]+$/, { message: 'name must not contain control characters' })
  name!: string;

  @ApiProperty({ enum: Role })
  @IsEnum(Role)
  role!: Role;

  @ApiPropertyOptional({ format: 'date-time', description: 'After this instant the key is refused' })
  @Optional() @IsDateString({ strict: true })
  expires_at?: string;
}

export class AuditEntryDto {
  @ApiProperty({ example: '1042' })
  id!: string;
  @ApiProperty({ format: 'date-time' })
  at!: string;
  @ApiProperty({ enum: ['user', 'api_key', 'oidc', 'anonymous'] })
  actor_kind!: string;
  @ApiProperty({ nullable: true, type: String })
  actor_id!: string | null;
  @ApiProperty({ nullable: true, type: String })
  actor_name!: string | null;
  @ApiProperty({ nullable: true, enum: Role })
  role!: Role | null;
  @ApiProperty({ example: 'POST' })
  method!: string;
  @ApiProperty({ example: '/api/v1/integrations' })
  path!: string;
  @ApiProperty({ nullable: true, type: String, example: '/api/v1/integrations/:id' })
  route!: string | null;
  @ApiProperty({ example: 201 })
  status!: number;
  @ApiProperty()
  correlation_id!: string;
  @ApiProperty({ example: '10.0.0.7' })
  client_address!: string;
  @ApiProperty({ enum: ['rest', 'mcp', 'graphql', 'console'], description: 'The front door the action came through' })
  door!: string;
  @ApiProperty({ nullable: true, type: String, example: 'run_aws_cli', description: '`METHOD route` for REST, the tool for MCP' })
  action!: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'The arguments of an MCP tool call or GraphQL operation, secrets censored' })
  arguments!: unknown;
  @ApiProperty({ nullable: true, type: String, example: 'ok', description: 'ok, invalid, unauthorized, forbidden, not_found, conflict, refused, cancelled, unavailable or error' })
  outcome!: string | null;
}

export class AuditPageDto extends PageOf(AuditEntryDto, { nextCursor: 'Pass back as `cursor` for the next (older) page' }) {}

/** Query string of `GET /audit`: newest first, filters combine with AND. */
export class ListAuditQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @Optional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'From `next_cursor`' })
  @Optional() @Matches(/^\d{1,19}$/, { message: 'cursor must be a cursor from next_cursor' })
  cursor?: string;

  @ApiPropertyOptional({ description: 'Actor name (username or API key name)' })
  @Optional() @IsString() @MaxLength(128)
  actor?: string;

  @ApiPropertyOptional({ enum: ['POST', 'PUT', 'PATCH', 'DELETE'] })
  @Optional() @IsIn(['POST', 'PUT', 'PATCH', 'DELETE'])
  method?: string;

  @ApiPropertyOptional({ description: 'HTTP status', example: 403 })
  @Optional() @Type(() => Number) @IsInt() @Min(100) @Max(599)
  status?: number;

  @ApiPropertyOptional({ description: 'Path starts with', example: '/api/v1/users' })
  @Optional() @IsString() @MaxLength(256)
  path?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @Optional() @IsDateString({ strict: true })
  since?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @Optional() @IsDateString({ strict: true })
  until?: string;

  @ApiPropertyOptional({ description: 'Correlation id' })
  @Optional() @IsString() @MaxLength(128)
  correlation_id?: string;

  @ApiPropertyOptional({ enum: ['rest', 'mcp', 'graphql', 'console'] })
  @Optional() @IsIn(['rest', 'mcp', 'graphql', 'console'])
  door?: string;

  @ApiPropertyOptional({ description: 'Exact action, e.g. a tool name', example: 'run_aws_cli' })
  @Optional() @IsString() @MaxLength(256)
  action?: string;
}

