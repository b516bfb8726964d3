import { AuthConfigDto, FieldError } from '@app/contracts';
import { ConnectorLogger } from '../connector.port';
import { OutboundHttp, OutboundHttpRequest, OutboundTlsOptions } from '../http/outbound-http';

/** What a provider may use while authenticating one request. */
export interface AuthApplyContext {
  auth: AuthConfigDto;
  /** The connector's guarded client, for providers that fetch tokens (OAUTH2). */
  http: OutboundHttp;
  logger?: ConnectorLogger;
  /** Clock override for signatures (tests); defaults to Date.now(). */
  now?: () => number;
}

/**
 * One way of authenticating outbound HTTP calls (the seed's auth providers). Providers are stateless per
 * integration apart from caches keyed by the credentials, so one instance serves every connector.
 */
export interface AuthProvider {
  readonly type: string;
  /** Field errors of `auth`, paths relative to `auth` (e.g. `token`); the registry prefixes `auth.`. */
  validate(auth: AuthConfigDto): FieldError[];
  /** Returns the request with credentials added; never mutates the input. */
  apply(request: OutboundHttpRequest, ctx: AuthApplyContext): Promise<OutboundHttpRequest>;
  /** TLS material the connection itself needs (CERTIFICATE); read once when the connector's client is built. */
  tlsOptions?(auth: AuthConfigDto): OutboundTlsOptions | undefined;
}

/** `field is required` for every listed auth field that is missing or blank. */
export function requireFields(auth: AuthConfigDto, fields: Array<keyof AuthConfigDto>, why: string): FieldError[] {
  return fields
    .filter((f) => {
      const v = auth[f];
      return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
    })
    .map((f) => ({ field: String(f), message: `${String(f)} is required for ${why}` }));
}

export function withHeaders(req: OutboundHttpRequest, headers: Record<string, string>): OutboundHttpRequest {
  return { ...req, headers: { ...req.headers, ...headers } };
}
