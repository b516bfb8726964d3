import { ApiConnectionError, ApiError } from '@app/api-client';

/** Exit codes of every verb: stable, documented in docs/cli.md. Scripts rely on them. */
export const ExitCode = {
  Ok: 0,
  /** The request was refused or the work failed (for `commands run --wait`: a target failed). */
  Failed: 1,
  /** The command line is wrong: unknown verb or option, missing argument, unreadable file, bad --query. */
  Usage: 2,
  /** No credentials, bad ones, or a role that may not do this (401, 403, a locked login). */
  Auth: 3,
  NotFound: 4,
  /** The gateway cannot be reached, or answered that it or a service behind it is unavailable (502, 503, 504, 429). */
  Unavailable: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The command line cannot be carried out as given; nothing was sent. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A failure already reported on stderr in its own words (e.g. a failed target), with the exit code to end with. */
export class ReportedFailure extends Error {
  override readonly name = 'ReportedFailure';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

/** No usable credentials for the server asked for: exit 3, with what to do about it. */
export class NoCredentialsError extends Error {
  override readonly name = 'NoCredentialsError';
}

export function exitCodeFor(e: unknown): ExitCode {
  if (e instanceof ReportedFailure) return e.exitCode;
  if (e instanceof UsageError) return ExitCode.Usage;
  if (e instanceof NoCredentialsError) return ExitCode.Auth;
  if (e instanceof ApiConnectionError) return ExitCode.Unavailable;
  if (e instanceof ApiError) {
    if (e.status === 401 || e.status === 403 || e.code === 'AUTH_LOCKED') return ExitCode.Auth;
    if (e.status === 404) return ExitCode.NotFound;
    if (e.status === 429 || e.status === 502 || e.status === 503 || e.status === 504) return ExitCode.Unavailable;
  }
  return ExitCode.Failed;
}
