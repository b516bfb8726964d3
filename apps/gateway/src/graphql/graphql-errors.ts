import { AppException } from '@app/contracts';
import { currentCorrelationId } from '@app/observability';
import { toAppException } from '@app/platform';
import { Logger } from '@nestjs/common';
import { ExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql';

const logger = new Logger('GraphQL');

/** The stable codes of problem+json, in `extensions`: `code`, `status`, `correlation_id`, and `errors` per field. */
export function formatGraphqlError(error: GraphQLError): GraphQLFormattedError & { extensions: { code: string; status: number } } {
  const correlation_id = currentCorrelationId() ?? '';
  const own = error.extensions?.code;
  // Errors of the document itself (syntax, unknown fields, limits): the GraphQL message is safe and useful.
  if (!error.originalError || (typeof own === 'string' && !(error.originalError instanceof AppException))) {
    const code = typeof own === 'string' && own.startsWith('GRAPHQL_') ? own : 'GRAPHQL_INVALID_QUERY';
    return { message: error.message, locations: error.locations, path: error.path, extensions: { code, status: 400, correlation_id } };
  }
  const e = toAppException(error.originalError, logger);
  return {
    message: e.message,
    locations: error.locations,
    path: error.path,
    extensions: {
      code: e.code,
      status: e.status,
      correlation_id,
      ...(e.errors?.length ? { errors: e.errors } : {}),
      ...(e.retryAfterSeconds !== undefined ? { retry_after_seconds: e.retryAfterSeconds } : {}),
    },
  };
}

/**
 * A subscription's start-up error (guard, resolver, document) as graphql-ws sends it: Mercurius sends these without
 * its errorFormatter, so the error carries the formatted `extensions` itself.
 */
export function subscriptionError(e: unknown): GraphQLError {
  const original = e instanceof Error ? e : undefined;
  const f = formatGraphqlError(e instanceof GraphQLError ? e : new GraphQLError(original?.message ?? String(e), { originalError: original }));
  return new GraphQLError(f.message, { nodes: e instanceof GraphQLError ? e.nodes : undefined, originalError: original, extensions: f.extensions });
}

/** Mercurius wraps the errors of a document that fails validation (and of its hooks) in one error: unwrap them. */
function unwrap(error: GraphQLError): GraphQLError[] {
  const inner = error.originalError as (Error & { errors?: unknown }) | undefined;
  if (inner instanceof GraphQLError) return [inner];
  if (!(inner instanceof AppException) && Array.isArray(inner?.errors)) return inner.errors.map((e: unknown) => (e instanceof GraphQLError ? e : new GraphQLError(e instanceof Error ? e.message : String(e))));
  return [error];
}

/**
 * Mercurius' errorFormatter: every error gets its code; the HTTP status is 200 when some data came back (the
 * errors are per field), else the status of the first error (400 for a bad document, 401, 429, …).
 */
export function graphqlErrorResponse(execution: ExecutionResult & { errors: readonly GraphQLError[] }): { statusCode: number; response: ExecutionResult } {
  const errors = execution.errors.flatMap(unwrap).map(formatGraphqlError);
  const hasData = execution.data !== null && execution.data !== undefined;
  return { statusCode: hasData ? 200 : (errors[0]?.extensions.status ?? 500), response: { data: execution.data, errors: errors as unknown as GraphQLError[] } };
}
