import { AppException } from '@app/contracts';
import { Authenticator } from '../auth/authenticator';

/** How often a long-lived connection's credential is checked again (the Authenticator caches verdicts for 5 s). */
const CREDENTIAL_RECHECK_MS = 5000;

/**
 * Re-authenticates the credential a WebSocket connection (GraphQL subscription, event stream) opened with, every
 * few seconds, and calls `lost` once when it no longer passes: the access token expired, the key was revoked or
 * expired, the user was disabled or logged out. Returns the function that stops watching.
 */
export function watchCredential(authenticator: Authenticator, headers: Record<string, string | undefined>, lost: (why: AppException) => void): () => void {
  let stopped = false;
  const timer = setInterval(() => {
    authenticator.authenticate(headers).then(
      (identity) => {
        if (!identity && !stopped) lost(new AppException('UNAUTHORIZED', 'The credential is gone'));
      },
      (e: unknown) => {
        if (stopped) return;
        stopped = true;
        clearInterval(timer);
        lost(e instanceof AppException ? e : new AppException('AUTH_TOKEN_INVALID', 'The credential is no longer valid'));
      },
    );
  }, CREDENTIAL_RECHECK_MS);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/** The credential of a graphql-ws connection_init payload, as the headers the Authenticator reads. */
export function credentialsOf(payload: unknown): Record<string, string | undefined> {
  const p = (payload && typeof payload === 'object' ? payload : {}) as Record<string, unknown>;
  const pick = (...names: string[]) => names.map((n) => p[n]).find((v): v is string => typeof v === 'string');
  return { authorization: pick('authorization', 'Authorization'), 'x-api-key': pick('x-api-key', 'X-API-Key', 'apiKey') };
}
