import { createHash } from 'node:crypto';
import { AuthConfigDto, AuthType, FieldError } from '@app/contracts';
import { ConnectorError } from '../connector.port';
import { OutboundHttpRequest } from '../http/outbound-http';
import { AuthApplyContext, AuthProvider, requireFields, withHeaders } from './auth-provider';

interface CachedToken {
  token: string;
  type: string;
  /** Epoch ms after which a new token is fetched (a little before the real expiry). */
  refreshAt: number;
}

/** Used when the server omits `expires_in` (RFC 6749 leaves the lifetime to the server's default). */
const DEFAULT_LIFETIME_S = 300;
const MAX_CACHED = 1000;

/**
 * OAuth 2.0 client-credentials grant (RFC 6749 §4.4) against `auth.token_url`, client authenticated with
 * HTTP Basic (§2.3.1). Tokens are cached per credentials and refreshed shortly before they expire; concurrent
 * callers share one token request.
 */
export class OAuth2AuthProvider implements AuthProvider {
  readonly type = AuthType.OAUTH2;
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<CachedToken>>();

  validate(auth: AuthConfigDto): FieldError[] {
    const errors = requireFields(auth, ['client_id', 'client_secret', 'token_url'], 'OAUTH2 auth');
    if (auth.token_url && !/^https?:\/\//i.test(auth.token_url)) {
      errors.push({ field: 'token_url', message: 'token_url must be an http(s) URL' });
    }
    return errors;
  }

  async apply(req: OutboundHttpRequest, ctx: AuthApplyContext): Promise<OutboundHttpRequest> {
    const token = await this.token(ctx);
    // RFC 6750 wants "Bearer"; servers answer "bearer" in any case, so normalise that one.
    const scheme = token.type.toLowerCase() === 'bearer' ? 'Bearer' : token.type;
    return withHeaders(req, { authorization: `${scheme} ${token.token}` });
  }

  /** Drops the cached token (call after a 401 so the next attempt fetches a fresh one). */
  invalidate(auth: AuthConfigDto): void {
    this.cache.delete(cacheKey(auth));
  }

  private async token(ctx: AuthApplyContext): Promise<CachedToken> {
    const now = (ctx.now ?? Date.now)();
    const key = cacheKey(ctx.auth);
    const cached = this.cache.get(key);
    if (cached && now < cached.refreshAt) return cached;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.fetchToken(ctx, now).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    const fresh = await pending;
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, fresh);
    return fresh;
  }

  private async fetchToken(ctx: AuthApplyContext, now: number): Promise<CachedToken> {
    const { auth } = ctx;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (auth.scopes?.length) form.set('scope', auth.scopes.join(' '));
    if (auth.audience) form.set('audience', auth.audience);
    const basic = Buffer.from(
      `${encodeURIComponent(auth.client_id ?? '')}:${encodeURIComponent(auth.client_secret ?? '')}`,
    ).toString('base64');
    const res = await ctx.http.request({
      method: 'POST',
      url: auth.token_url as string,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        authorization: `Basic ${basic}`,
      },
      body: form.toString(),
    });
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      // handled below: no access_token
    }
    if (res.status < 200 || res.status >= 300 || typeof json.access_token !== 'string') {
      // Only the standard error code goes into the message: the body could echo credentials.
      const code = typeof json.error === 'string' ? `: ${json.error.slice(0, 64)}` : '';
      throw new ConnectorError(`OAuth2 token request failed with HTTP ${res.status}${code}`, res.status >= 500 || res.status === 429, res.status);
    }
    const lifetime = typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : Number(json.expires_in) || DEFAULT_LIFETIME_S;
    // Refresh a little early so a token does not expire in flight: 10% of its life, at most a minute.
    const skew = Math.min(60, lifetime / 10);
    return {
      token: json.access_token,
      type: typeof json.token_type === 'string' ? json.token_type : 'Bearer',
      refreshAt: now + (lifetime - skew) * 1000,
    };
  }
}

function cacheKey(auth: AuthConfigDto): string {
  return createHash('sha256')
    .update(JSON.stringify([auth.token_url, auth.client_id, auth.client_secret, auth.scopes ?? [], auth.audience ?? '']))
    .digest('base64url');
}
