import { Identity, identityKey } from '@app/auth';
import { AppException } from '@app/contracts';
import { toAppException } from '@app/platform';
import type { FastifyRequest } from 'fastify';
import { Authenticator } from '../auth/authenticator';
import { clientAddress } from '../auth/current-identity';
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
  /** The HTTP request (queries and mutations); Nest's driver adds it where it is missing. */
  req?: FastifyRequest;
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

/**
 * A query's or mutation's context: the caller authenticated once, fresh loaders. Written as one literal naming every
 * field, not a spread of the authentication result: Nest and Mercurius then add a dozen fields to it per request
 * (req, reply, app, errors, the hook lists), and on an object made by a spread those additions cost V8 about 10 µs a
 * request against 0.3 µs on a literal (measured with bench:graphql's profile and a micro-benchmark; decision G11).
 */
export async function requestContext(authenticator: Authenticator, limits: RequestLimits, loaders: Loaders, req: FastifyRequest): Promise<GraphqlContext> {
  const { identity, authError } = await authenticateHeaders(authenticator, limits, req.headers);
  return { identity, authError, loaders, correlationId: String(req.id), clientAddress: clientAddress(req), req };
}
