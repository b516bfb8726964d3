import { AppException, FieldError, problemType, unavailableException } from '@app/contracts';
import { currentCorrelationId, normaliseCorrelationId } from '@app/observability';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  correlation_id: string;
  errors?: FieldError[];
}

const HTTP_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'UPSTREAM_TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Maps anything thrown to an AppException: ours as is, Nest's and Fastify's by status, the rest as 500. */
export function toAppException(error: unknown, logger?: Logger): AppException {
  if (error instanceof AppException) return error;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? error.message);
    return new AppException(HTTP_CODES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST'), Array.isArray(message) ? message.join('; ') : String(message), { status });
  }
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode < 500 && typeof fastifyError.code === 'string' && fastifyError.code.startsWith('FST_')) {
    const status = fastifyError.statusCode;
    const detail = fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/.test(fastifyError.message ?? '') ? 'The request body is not valid JSON' : (fastifyError.message ?? 'Bad request');
    return new AppException(HTTP_CODES[status] ?? 'BAD_REQUEST', detail, { status });
  }
  // A dependency that is down (the database, most often) is a 503 with Retry-After, as a missing NATS responder is.
  const unavailable = unavailableException(error);
  if (unavailable) {
    logger?.warn(unavailable.message);
    return unavailable;
  }
  const errorId = normaliseCorrelationId(undefined);
  logger?.error({ msg: 'Unhandled error', error_id: errorId, err: error });
  return new AppException('INTERNAL_ERROR', `An unexpected error occurred (error id ${errorId})`);
}

export function problemFrom(e: AppException, instance: string): ProblemDetails {
  return {
    type: problemType(e.code),
    title: e.title,
    status: e.status,
    detail: e.message,
    instance,
    code: e.code,
    correlation_id: currentCorrelationId() ?? '',
    ...(e.errors?.length ? { errors: e.errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, e: AppException): void {
  const problem = problemFrom(e, request.url.split('?')[0]);
  if (!problem.correlation_id) problem.correlation_id = String(reply.getHeader('x-correlation-id') ?? '');
  if (e.retryAfterSeconds !== undefined) void reply.header('retry-after', String(Math.ceil(e.retryAfterSeconds)));
  void reply.status(e.status).header('content-type', 'application/problem+json; charset=utf-8').send(problem);
}

/** Every error of every app leaves as RFC 9457 problem+json with a stable code and the correlation id. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): AppException | undefined {
    // GraphQL resolvers: hand the error back to the GraphQL executor, whose formatter puts the code in `extensions`.
    if (host.getType<string>() === 'graphql') {
      // An error that already carries its code for GraphQL (extensions.code) goes back as it is.
      const ext = (exception as { extensions?: { code?: unknown } } | null)?.extensions;
      if (typeof ext?.code === 'string') return exception as AppException;
      return toAppException(exception, this.logger);
    }
    const ctx = host.switchToHttp();
    const e = toAppException(exception, this.logger);
    if (e.status === HttpStatus.INTERNAL_SERVER_ERROR && exception instanceof AppException) this.logger.error(`${e.code}: ${e.message}`);
    sendProblem(ctx.getResponse<FastifyReply>(), ctx.getRequest<FastifyRequest>(), e);
    return undefined;
  }
}
