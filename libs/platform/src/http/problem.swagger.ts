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
  503: 'A service behind the gateway is not available (see Retry-After)',
};

/** Documents the problem+json responses of an endpoint. */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status] ?? 'Error', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetailsSchema' } } } }),
    ),
  );
}
