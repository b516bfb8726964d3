import { Identity, identityKey } from '@app/auth';
import { AppException } from '@app/contracts';
import { toAppException } from '@app/platform';
import { Authenticator } from '../auth/authenticator';
import { RequestLimits } from '../auth/request-limits';
import { Loaders } from './loaders';

/** What every resolver sees: who asks (or why nobody was authenticated) and the request's batching loaders. */
export interface GraphqlContext {
  identity?: Identity;
  /** Why the credentials were refused; the guard answers every field with it. */
  authError?: AppException;
  loaders: Loaders;
  /** Correlation id of the HTTP request or the WebSocket connection. */
  correlationId: string;
  clientAddress: string;
  /** Subscriptions: closes the WebSocket connection (token expired, key revoked). */
  closeConnection?: (code: number, reason: string) => void;
}

/**
 * Authenticates once per HTTP request (not per field) with the REST door's Authenticator and takes one token of
 * the caller's rate limit, the bucket REST requests take from too. A refusal is kept, not thrown: the guard
 * answers each field with its code, so the response is still a GraphQL response.
 */
export async function authenticateHeaders(
  authenticator: Authenticator,
  limits: RequestLimits,
  headers: Record<string, string | string[] | undefined>,
): Promise<Pick<GraphqlContext, 'identity' | 'authError'>> {
  try {
    const identity = await authenticator.authenticate(headers);
    if (identity) limits.takeForIdentity(identityKey(identity));
    return { identity };
  } catch (e) {
    return { authError: toAppException(e) };
  }
}
