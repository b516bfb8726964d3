import { AuthConfigDto } from '@app/contracts';
import { Connector, ConnectorContext, ConnectorError, HealthResult, SendResult } from '../connector.port';
import { AuthProvider } from '../auth/auth-provider';
import { OutboundHttp, OutboundHttpOptions, OutboundHttpRequest, OutboundHttpResponse, RequestOptions } from './outbound-http';

/** How HTTP-family plugins find the auth provider of an integration (the registry implements it). */
export interface AuthProviderLookup {
  getAuthProvider(type: string): AuthProvider | undefined;
}

/** Providers that cache credentials (OAUTH2) expose this so a 401 can drop them. */
interface TokenCachingProvider extends AuthProvider {
  invalidate(auth: AuthConfigDto): void;
}

const USER_AGENT = 'aws-mcp-server/0.1 (+integrations)';

/** The SendResult classification every HTTP type shares. */
function classifyStatus(status: number): { ok: boolean; retryable: boolean } {
  if (status >= 200 && status < 300) return { ok: true, retryable: false };
  return { ok: false, retryable: status === 408 || status === 429 || status >= 500 };
}

/** A short, single-line excerpt of a response body for error messages. */
export function bodyExcerpt(body: Buffer, max = 200): string {
  const text = body.subarray(0, max * 4).toString('utf8').replace(/\s+/g, ' ').trim();
  return text.length > max ? text.slice(0, max) + '…' : text;
}

function errorResult(err: unknown, durationMs: number): SendResult {
  const e = err as Partial<ConnectorError> & Error;
  return {
    ok: false,
    retryable: e instanceof ConnectorError ? e.retryable : false,
    ...(e.statusCode !== undefined ? { statusCode: e.statusCode } : {}),
    error: e.message,
    durationMs,
  };
}

/**
 * What WEBHOOK, REST_API and GRAPHQL share: one guarded client per connector, auth applied to every call
 * (and every same-origin redirect hop), uniform SendResult/HealthResult classification.
 */
/** What the HTTP-based plugins share: the auth providers and HTTP options their connectors are created with. */
export abstract class HttpPluginBase {
  constructor(
    protected readonly auth: AuthProviderLookup,
    protected readonly httpOptions?: Partial<OutboundHttpOptions>,
  ) {}
}

export abstract class HttpConnectorBase implements Connector {
  private client?: OutboundHttp;
  private provider?: AuthProvider;
  protected closed = false;

  constructor(
    protected readonly ctx: ConnectorContext,
    private readonly authProviders: AuthProviderLookup,
    /** Overrides for tests (DNS) and types with other limits. */
    private readonly httpOptions: Partial<OutboundHttpOptions> = {},
  ) {}

  async initialize(): Promise<void> {
    this.ready();
  }

  abstract healthCheck(): Promise<HealthResult>;

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.close();
  }

  /** The client, built on first use so that a connector works without an explicit initialize(). */
  protected ready(): OutboundHttp {
    if (this.closed) throw new ConnectorError('The connector is closed');
    if (this.client) return this.client;
    const provider = this.authProviders.getAuthProvider(this.ctx.auth?.type ?? 'NONE');
    if (!provider) throw new ConnectorError(`No auth provider for ${this.ctx.auth?.type}`);
    this.provider = provider;
    this.client = new OutboundHttp({
      policy: this.ctx.outbound,
      timeoutMs: this.ctx.timeoutMs,
      tls: provider.tlsOptions?.(this.ctx.auth),
      ...this.httpOptions,
    });
    return this.client;
  }

  /** One authenticated HTTP exchange. Throws ConnectorError when no response came. */
  protected async exchange(req: OutboundHttpRequest, opts: Omit<RequestOptions, 'authorize'> = {}): Promise<OutboundHttpResponse> {
    const http = this.ready();
    const provider = this.provider as AuthProvider;
    const res = await http.request(
      { ...req, headers: { 'user-agent': USER_AGENT, ...req.headers } },
      { ...opts, authorize: (r) => provider.apply(r, { auth: this.ctx.auth, http, logger: this.ctx.logger }) },
    );
    // A rejected OAuth2 token may have been revoked early: drop it so the retry fetches a new one.
    if (res.status === 401 && this.hasTokenCache()) (provider as TokenCachingProvider).invalidate(this.ctx.auth);
    return res;
  }

  private hasTokenCache(): boolean {
    return typeof (this.provider as Partial<TokenCachingProvider> | undefined)?.invalidate === 'function';
  }

  /**
   * Sends and classifies per SendResult: 2xx ok; 408/429/5xx and network errors retryable.
   * `refine` lets a type look into a successful response (GraphQL `errors`).
   */
  protected async deliver(
    req: OutboundHttpRequest,
    refine?: (res: OutboundHttpResponse, result: SendResult) => SendResult,
  ): Promise<SendResult> {
    const started = performance.now();
    try {
      const res = await this.exchange(req);
      const result = this.toSendResult(res);
      // A 401 with a cached token that was just dropped can succeed on the next attempt with a fresh one.
      if (res.status === 401 && this.hasTokenCache()) return { ...result, retryable: true };
      return refine && result.ok ? refine(res, result) : result;
    } catch (err) {
      return errorResult(err, Math.round(performance.now() - started));
    }
  }

  protected toSendResult(res: OutboundHttpResponse): SendResult {
    const { ok, retryable } = classifyStatus(res.status);
    return {
      ok,
      retryable,
      statusCode: res.status,
      ...(res.retryAfterSeconds !== undefined ? { retryAfterSeconds: res.retryAfterSeconds } : {}),
      ...(ok ? {} : { error: `HTTP ${res.status}${res.body.length ? ': ' + bodyExcerpt(res.body) : ''}` }),
      durationMs: res.durationMs,
    };
  }

  /** A health probe: `healthy(res)` decides; redirects are followed (re-checked by the guard). */
  protected async probe(req: OutboundHttpRequest, healthy: (res: OutboundHttpResponse) => boolean | string): Promise<HealthResult> {
    const started = performance.now();
    try {
      const res = await this.exchange(req, { followRedirects: true });
      const verdict = healthy(res);
      return {
        healthy: verdict === true,
        latencyMs: res.durationMs,
        statusCode: res.status,
        ...(verdict === true ? {} : { error: typeof verdict === 'string' ? verdict : `HTTP ${res.status}` }),
      };
    } catch (err) {
      return { healthy: false, latencyMs: Math.round(performance.now() - started), error: (err as Error).message };
    }
  }
}
