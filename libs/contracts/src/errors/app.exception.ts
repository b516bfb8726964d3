import { ERROR_CATALOGUE, ErrorCode } from './error-codes';

/** One invalid field: a dotted path (`retry.max_attempts`) and what is wrong with it. */
export interface FieldError {
  field: string;
  message: string;
}

/** What crosses NATS when a handler fails: enough to rebuild the same error on the other side. */
export interface ErrorPayload {
  code: string;
  status: number;
  title: string;
  detail: string;
  errors?: FieldError[];
  retry_after_seconds?: number;
}

/**
 * A failure with a stable code. Thrown by handlers on any side of NATS; the transport carries its payload
 * and the HTTP edge renders it as problem+json. Anything that is not an AppException is an internal error.
 */
export class AppException extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly errors?: FieldError[];
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode | string, detail?: string, opts: { errors?: FieldError[]; status?: number; title?: string; retryAfterSeconds?: number } = {}) {
    const known = (ERROR_CATALOGUE as Record<string, { status: number; title: string }>)[code];
    super(detail ?? known?.title ?? code);
    this.name = 'AppException';
    this.code = code;
    this.status = opts.status ?? known?.status ?? 500;
    this.title = opts.title ?? known?.title ?? 'Error';
    this.errors = opts.errors;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }

  get detail(): string {
    return this.message;
  }

  toPayload(): ErrorPayload {
    return {
      code: this.code,
      status: this.status,
      title: this.title,
      detail: this.message,
      ...(this.errors ? { errors: this.errors } : {}),
      ...(this.retryAfterSeconds !== undefined ? { retry_after_seconds: this.retryAfterSeconds } : {}),
    };
  }

  static fromPayload(p: ErrorPayload): AppException {
    return new AppException(p.code, p.detail, {
      errors: p.errors,
      status: p.status,
      title: p.title,
      retryAfterSeconds: p.retry_after_seconds,
    });
  }

  static isPayload(value: unknown): value is ErrorPayload {
    return (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as ErrorPayload).code === 'string' &&
      typeof (value as ErrorPayload).status === 'number'
    );
  }
}
