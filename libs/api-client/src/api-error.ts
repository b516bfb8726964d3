import type { components } from './openapi.generated';

export type ProblemDetails = components['schemas']['ProblemDetailsSchema'];
export type FieldError = components['schemas']['FieldErrorSchema'];

/**
 * A refusal by the gateway: the RFC 9457 problem it answered with (every error of the API is one), or, when a
 * proxy in between answered with something else, a problem made from the status line.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  /** The stable error code (`VALIDATION_FAILED`, `NOT_FOUND`, ...); `HTTP_<status>` when the body was no problem. */
  readonly code: string;
  readonly type?: string;
  readonly instance?: string;
  readonly correlationId?: string;
  readonly fieldErrors: FieldError[];
  /** Seconds to wait before trying again (429, 503), from `Retry-After`. */
  readonly retryAfterSeconds?: number;

  constructor(status: number, problem: Partial<ProblemDetails>, retryAfterSeconds?: number) {
    const title = problem.title ?? `HTTP ${status}`;
    const detail = problem.detail ?? '';
    super(detail && detail !== title ? `${title}: ${detail}` : title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.code = problem.code ?? `HTTP_${status}`;
    this.type = problem.type;
    this.instance = problem.instance;
    this.correlationId = problem.correlation_id;
    this.fieldErrors = Array.isArray(problem.errors) ? problem.errors.filter(isFieldError) : [];
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** From a response that is not 2xx and the body openapi-fetch parsed (or did not). */
  static fromResponse(response: Response, body?: unknown): ApiError {
    const retry = Number(response.headers.get('retry-after'));
    const problem = isProblemLike(body) ? body : { title: response.statusText || `HTTP ${response.status}`, correlation_id: response.headers.get('x-correlation-id') ?? undefined };
    return new ApiError(response.status, problem, Number.isFinite(retry) && retry > 0 ? retry : undefined);
  }
}

/** The gateway could not be reached at all (refused, reset, DNS, TLS): nothing was answered. */
export class ApiConnectionError extends Error {
  override readonly name = 'ApiConnectionError';
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`Cannot reach ${url}: ${describeCause(cause)}`, { cause });
  }
}

function describeCause(cause: unknown): string {
  // undici wraps the socket error: "fetch failed" with the useful part (ECONNREFUSED ...) in `cause`.
  const inner = (cause as { cause?: { code?: string; message?: string } })?.cause;
  if (inner?.code) return `${inner.code}${inner.message && !inner.message.includes(inner.code) ? ` (${inner.message})` : ''}`;
  return (cause as Error)?.message ?? String(cause);
}

function isProblemLike(body: unknown): body is Partial<ProblemDetails> {
  return typeof body === 'object' && body !== null && typeof (body as { title?: unknown }).title === 'string';
}

function isFieldError(e: unknown): e is FieldError {
  return typeof e === 'object' && e !== null && typeof (e as FieldError).field === 'string' && typeof (e as FieldError).message === 'string';
}
