import { ApiError } from './api-error';
import { type ApiClientOptions, type Credentials, createApiClient, unwrap } from './client';
import type { components } from './openapi.generated';

type TokenResponse = components['schemas']['TokenResponseDto'];

/** A login's tokens as kept between requests (and, by the CLI, between runs). Times are epoch milliseconds. */
export interface SessionTokens {
  access_token: string;
  refresh_token: string;
  access_expires_at: number;
  refresh_expires_at: number;
}

/**
 * Where the tokens live. The CLI keeps them in its credentials file and serialises refreshes of several
 * processes with a lock (a refresh token is single use: two processes refreshing with the same one would look
 * like a stolen token and end the session); a browser keeps them in memory.
 */
export interface TokenStore {
  /** The tokens as stored now (another process may have refreshed them). */
  load(): Promise<SessionTokens | undefined> | SessionTokens | undefined;
  /** New tokens after a refresh; undefined after a logout or when the session is over. */
  save(tokens: SessionTokens | undefined): Promise<void> | void;
  /** Runs `fn` alone among everyone sharing the store. Default: just runs it. */
  exclusive?<T>(fn: () => Promise<T>): Promise<T>;
}

export interface TokenSessionOptions extends Pick<ApiClientOptions, 'baseUrl' | 'fetch' | 'headers' | 'correlationId'> {
  store?: TokenStore;
  /** Refresh this long before the access token expires (default 30 s), so that a request does not meet the expiry. */
  refreshAheadMs?: number;
  now?: () => number;
}

export const tokensFromResponse = (r: TokenResponse, now: number): SessionTokens => ({
  access_token: r.access_token,
  refresh_token: r.refresh_token,
  access_expires_at: now + r.expires_in * 1000,
  refresh_expires_at: now + r.refresh_expires_in * 1000,
});

/**
 * Bearer credentials of a login that renew themselves: refreshed shortly before the access token expires and once
 * after a 401, one refresh at a time (concurrent requests wait for the same one), with the rotated refresh
 * token saved at once.
 */
export class TokenSession implements Credentials {
  private refreshing?: Promise<boolean>;
  private readonly now: () => number;

  constructor(
    private tokens: SessionTokens,
    private readonly opts: TokenSessionOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** Logs in and returns the session (its tokens saved to the store). */
  static async login(username: string, password: string, opts: TokenSessionOptions): Promise<TokenSession> {
    const started = (opts.now ?? Date.now)();
    const res = await unwrap(anonymousClient(opts).POST('/api/v1/auth/login', { body: { username, password } }));
    const session = new TokenSession(tokensFromResponse(res, started), opts);
    await opts.store?.save(session.tokens);
    return session;
  }

  get current(): SessionTokens {
    return this.tokens;
  }

  async headers(): Promise<Record<string, string>> {
    if (this.tokens.access_expires_at - (this.opts.refreshAheadMs ?? 30_000) <= this.now()) await this.refresh(this.tokens.access_token);
    return { authorization: `Bearer ${this.tokens.access_token}` };
  }

  async renew(rejected: Record<string, string>): Promise<boolean> {
    const token = rejected.authorization?.replace(/^Bearer /, '');
    return token ? this.refresh(token) : false;
  }

  /**
   * Replaces `stale` (an access token that expired or was refused) unless that already happened: by a refresh
   * in flight here, or by another holder of the store. False when the session cannot be renewed (log in again).
   */
  refresh(stale: string): Promise<boolean> {
    if (stale !== this.tokens.access_token) return Promise.resolve(true);
    this.refreshing ??= this.exclusive(async () => {
      const stored = await this.opts.store?.load();
      if (stored && stored.access_token !== stale) {
        this.tokens = stored;
        return true;
      }
      if (this.tokens.refresh_expires_at <= this.now()) return false;
      const started = this.now();
      try {
        const res = await unwrap(anonymousClient(this.opts).POST('/api/v1/auth/refresh', { body: { refresh_token: this.tokens.refresh_token } }));
        this.tokens = tokensFromResponse(res, started);
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return false;
        throw e;
      }
      await this.opts.store?.save(this.tokens);
      return true;
    }).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Ends the session on the gateway (its refresh and access tokens stop working) and forgets the tokens. */
  async logout(): Promise<void> {
    await this.exclusive(async () => {
      const stored = (await this.opts.store?.load()) ?? this.tokens;
      await unwrap(anonymousClient(this.opts).POST('/api/v1/auth/logout', { body: { refresh_token: stored.refresh_token } }));
      await this.opts.store?.save(undefined);
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.opts.store?.exclusive ? this.opts.store.exclusive(fn) : fn();
  }
}

/** Login, refresh and logout carry their credential in the body, never a header. */
const anonymousClient = (opts: TokenSessionOptions) => createApiClient({ baseUrl: opts.baseUrl, fetch: opts.fetch, headers: opts.headers, correlationId: opts.correlationId });
