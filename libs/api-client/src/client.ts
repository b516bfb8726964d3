import createClient, { type Client } from 'openapi-fetch';
import { ApiConnectionError, ApiError } from './api-error';
import type { paths } from './openapi.generated';

export type ApiPaths = paths;
/** The gateway's API, typed from its OpenAPI document: `client.GET('/api/v1/integrations/{id}', { params: { path: { id } } })`. */
export type ApiClient = Client<paths, 'application/json'>;

/** What authenticates a request; the client asks for it before every request. */
export interface Credentials {
  /** The header(s) for the next request: `Authorization: Bearer …` or `X-API-Key: …`. */
  headers(): Promise<Record<string, string>> | Record<string, string>;
  /** After a 401: renew what can be renewed (a token refresh); true when the request is worth one more try. */
  renew?(rejected: Record<string, string>): Promise<boolean>;
}

export const apiKeyCredentials = (key: string): Credentials => ({ headers: () => ({ 'x-api-key': key }) });
export const bearerCredentials = (token: string): Credentials => ({ headers: () => ({ authorization: `Bearer ${token}` }) });

export interface ApiClientOptions {
  /** The gateway's origin, e.g. `http://127.0.0.1:8000` (paths carry `/api/v1`); '' for the page's own origin. */
  baseUrl: string;
  credentials?: Credentials;
  /**
   * `X-Correlation-Id` of every request: one value (e.g. one per CLI invocation, so all its requests are found
   * together in logs and audit), or a function called per request. Absent: the gateway makes one per request.
   */
  correlationId?: string | (() => string);
  /** Sent with every request (e.g. a user agent). */
  headers?: Record<string, string>;
  /** Defaults to globalThis.fetch. */
  fetch?: (request: Request) => Promise<Response>;
}

/** fetch with the credentials and correlation id, one retry after a 401 that the credentials could renew. */
export function authenticatedFetch(opts: ApiClientOptions): (request: Request) => Promise<Response> {
  const base = opts.fetch ?? ((r: Request) => globalThis.fetch(r));
  return async (request) => {
    const correlationId = typeof opts.correlationId === 'function' ? opts.correlationId() : opts.correlationId;
    const attempt = async (): Promise<{ response: Response; sent: Record<string, string> }> => {
      const sent = (await opts.credentials?.headers()) ?? {};
      const r = request.clone();
      for (const [k, v] of Object.entries({ ...opts.headers, ...sent })) r.headers.set(k, v);
      if (correlationId && !r.headers.has('x-correlation-id')) r.headers.set('x-correlation-id', correlationId);
      try {
        return { response: await base(r), sent };
      } catch (e) {
        if ((e as Error)?.name === 'AbortError') throw e;
        throw new ApiConnectionError(new URL(request.url).origin, e);
      }
    };
    const first = await attempt();
    if (first.response.status !== 401 || !opts.credentials?.renew || !(await opts.credentials.renew(first.sent))) return first.response;
    await first.response.body?.cancel().catch(() => undefined);
    return (await attempt()).response;
  };
}

/** The typed client (openapi-fetch) with the credentials and correlation id of `opts`. */
export function createApiClient(opts: ApiClientOptions): ApiClient {
  return createClient<paths, 'application/json'>({ baseUrl: opts.baseUrl.replace(/\/+$/, ''), fetch: authenticatedFetch(opts) });
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/**
 * The data of a call, or its problem as an ApiError: `const page = await unwrap(client.GET('/api/v1/accounts'))`.
 * 204 responses unwrap to undefined.
 */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw ApiError.fromResponse(response, error);
  return data as T;
}
