import { AppException } from './app.exception';

/** How long a client is told to wait before trying again when a dependency is down. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** Node's error codes for a peer that cannot be reached (or went away mid-request). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED']);

/**
 * PostgreSQL SQLSTATEs that say "the server is not there for you right now": class 08 (connection exception),
 * admin/crash shutdown and "cannot connect now" (starting up, shutting down, in recovery), too many connections.
 */
const PG_UNAVAILABLE = /^(08...|57P01|57P02|57P03|53300)$/;

/** What node-postgres, pg-pool and TypeORM say when the connection is gone or cannot be made (they carry no code). */
const PG_MESSAGES = [
  /^Connection terminated/, // "… unexpectedly", "… due to connection timeout"
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)/,
];

export interface Unavailability {
  /** Whether the error comes from the database driver (pg, TypeORM) rather than a bare socket. */
  database: boolean;
  /** A short reason without addresses or queries, for clients and status fields: `ECONNREFUSED`, `Connection terminated unexpectedly`. */
  reason: string;
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/**
 * Tells whether `error` means that a dependency (the database, or a peer behind a socket) is unreachable or went
 * away, rather than a bug or a bad request. The one place that knows these shapes: node's system errors,
 * node-postgres and pg-pool messages, PostgreSQL SQLSTATEs, TypeORM's QueryFailedError (its `driverError`), and
 * wrappers (`cause`, AggregateError's `errors`).
 */
export function unavailability(error: unknown, depth = 0): Unavailability | undefined {
  if (!error || typeof error !== 'object' || depth > 4 || error instanceof AppException) return undefined;
  const e = error as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  const fromDriver = e.name === 'QueryFailedError' || e.driverError !== undefined;
  if (code && PG_UNAVAILABLE.test(code) && message) return { database: true, reason: message.slice(0, 200) };
  if (PG_MESSAGES.some((p) => p.test(message))) return { database: true, reason: message.slice(0, 200) };
  if (code && NETWORK_CODES.has(code)) return { database: fromDriver, reason: code };
  for (const inner of [e.driverError, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    const found = unavailability(inner, depth + 1);
    if (found) return { database: found.database || fromDriver, reason: found.reason };
  }
  return undefined;
}

/**
 * `error` as a 503 SERVICE_UNAVAILABLE with Retry-After when it means a dependency is down (see `unavailability`),
 * else undefined. The detail names the kind of dependency and the reason, never an address or a query.
 */
export function unavailableException(error: unknown): AppException | undefined {
  const u = unavailability(error);
  if (!u) return undefined;
  const what = u.database ? 'its database is unavailable' : 'a service it depends on is unreachable';
  return new AppException('SERVICE_UNAVAILABLE', `The service cannot answer right now: ${what} (${u.reason}); try again shortly`, { retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS });
}
