import { ERROR_CATALOGUE, ErrorCode, problemType } from '@app/contracts';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

class FieldErrorSchema {
  @ApiProperty({ example: 'retry.max_attempts' })
  field!: string;
  @ApiProperty({ example: 'max_attempts must not be less than 1' })
  message!: string;
}

/** RFC 9457 problem details as every endpoint returns them on error. */
export class ProblemDetailsSchema {
  @ApiProperty({ example: 'https://aws-mcp-server.dev/problems/validation-failed' })
  type!: string;
  @ApiProperty({ example: 'Request validation failed' })
  title!: string;
  @ApiProperty({ example: 400 })
  status!: number;
  @ApiProperty({ example: 'The request body has 1 invalid field: retry.max_attempts' })
  detail!: string;
  @ApiProperty({ example: '/api/v1/integrations' })
  instance!: string;
  @ApiProperty({ example: 'VALIDATION_FAILED' })
  code!: string;
  @ApiProperty({ example: '6f1c2b1e-3c2d-4a9e-8f7a-0d9c1b2a3e4f' })
  correlation_id!: string;
  @ApiPropertyOptional({ type: [FieldErrorSchema] })
  errors?: FieldErrorSchema[];
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: each bad field is named in `errors`',
  401: 'Not authenticated',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  413: 'Body too large',
  429: 'Rate limited (see Retry-After)',
  502: 'An AWS call behind the gateway failed',
  503: 'A service behind the gateway is not available (see Retry-After)',
};

/** A typical problem per status, so each response's example is that status's body (not the schema's 400 example). */
const EXAMPLES: Record<number, { code: ErrorCode; detail: string; errors?: Array<{ field: string; message: string }> }> = {
  400: { code: 'VALIDATION_FAILED', detail: 'The request body has 1 invalid field: retry.max_attempts', errors: [{ field: 'retry.max_attempts', message: 'max_attempts must not be less than 1' }] },
  401: { code: 'UNAUTHORIZED', detail: 'Send Authorization: Bearer <access token> or X-API-Key' },
  403: { code: 'FORBIDDEN', detail: 'Your role (viewer) does not have the permission this operation needs' },
  404: { code: 'NOT_FOUND', detail: 'No such item' },
  409: { code: 'CONFLICT', detail: 'The change conflicts with the current state' },
  413: { code: 'PAYLOAD_TOO_LARGE', detail: 'The request body is over the limit' },
  429: { code: 'RATE_LIMITED', detail: 'Too many requests: try again after Retry-After seconds' },
  502: { code: 'ACCOUNT_DISCOVERY_FAILED', detail: 'AWS answered with an error: AccessDeniedException' },
  503: { code: 'SERVICE_UNAVAILABLE', detail: 'The service cannot answer right now: integration-service (no responder); try again shortly' },
};

function exampleOf(status: number): Record<string, unknown> | undefined {
  const e = EXAMPLES[status];
  if (!e) return undefined;
  return { type: problemType(e.code), title: ERROR_CATALOGUE[e.code].title, status, detail: e.detail, code: e.code, correlation_id: '6f1c2b1e-3c2d-4a9e-8f7a-0d9c1b2a3e4f', ...(e.errors ? { errors: e.errors } : {}) };
}

/** Documents the problem+json responses of an endpoint, each with an example of its own status. */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) => {
      const example = exampleOf(status);
      return ApiResponse({ status, description: DESCRIPTIONS[status] ?? 'Error', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetailsSchema' }, ...(example ? { example } : {}) } } });
    }),
  );
}
