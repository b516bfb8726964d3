import { type components, type Credentials, type SessionTokens, TokenSession, type TokenStore } from '@app/api-client';

export type Role = components['schemas']['UserDto']['role'];

const STORAGE_KEY = 'aws-mcp-console.session';
const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

interface Stored {
  tokens: SessionTokens;
  username: string;
}

export interface SessionState {
  signedIn: boolean;
  username?: string;
  role?: Role;
  /** Set when the gateway stopped accepting the session (expired, ended elsewhere): the person signs in again. */
  expired: boolean;
}

/** The role our access token carries (its payload is readable; the gateway verifies it, we only decide what to show). */
export function roleOf(accessToken: string): Role | undefined {
  try {
    const part = accessToken.split('.')[1] ?? '';
    const json = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='))) as { role?: unknown };
    return ROLES.find((r) => r === json.role);
  } catch {
    return undefined;
  }
}

/**
 * The signed-in person, as credentials for the one API client: a TokenSession (refreshed ahead of expiry and
 * after a 401) kept in this tab's sessionStorage, so a reload stays signed in and closing the tab ends it here.
 * When a refresh is refused the session is over: `expired` turns on and the layout sends the person to sign in,
 * remembering the page.
 */
export class ConsoleSession implements Credentials {
  private token?: TokenSession;
  private state: SessionState = { signedIn: false, expired: false };
  private readonly listeners = new Set<() => void>();
  private readonly store: TokenStore = {
    load: () => this.read()?.tokens,
    save: (tokens) => {
      const username = this.state.username ?? '';
      if (tokens) this.storage?.setItem(STORAGE_KEY, JSON.stringify({ tokens, username } satisfies Stored));
      else this.storage?.removeItem(STORAGE_KEY);
      if (tokens) this.update({ signedIn: true, username, role: roleOf(tokens.access_token), expired: false });
    },
  };

  constructor(
    private readonly baseUrl: string,
    private readonly storage: Storage | undefined = globalThis.sessionStorage,
  ) {
    const stored = this.read();
    if (stored) {
      this.token = new TokenSession(stored.tokens, { baseUrl, store: this.store });
      this.state = { signedIn: true, username: stored.username, role: roleOf(stored.tokens.access_token), expired: false };
    }
  }

  get current(): SessionState {
    return this.state;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  async signIn(username: string, password: string): Promise<void> {
    this.state = { ...this.state, username };
    this.token = await TokenSession.login(username, password, { baseUrl: this.baseUrl, store: this.store });
  }

  async signOut(): Promise<void> {
    const token = this.token;
    this.clear(false);
    await token?.logout().catch(() => undefined); // the tokens are forgotten here whatever the gateway says
  }

  /** The gateway refused the session: forget it and ask the person to sign in again. */
  expire(): void {
    if (this.state.signedIn) this.clear(true);
  }

  async headers(): Promise<Record<string, string>> {
    return this.token ? this.token.headers() : {};
  }

  async renew(rejected: Record<string, string>): Promise<boolean> {
    if (!this.token) return false;
    const renewed = await this.token.renew(rejected).catch(() => false);
    if (!renewed) this.expire();
    return renewed;
  }

  /** The current access token, for the live event stream (same credentials, its own fetch). */
  get accessToken(): string | undefined {
    return this.token?.current.access_token;
  }

  private clear(expired: boolean): void {
    this.token = undefined;
    this.storage?.removeItem(STORAGE_KEY);
    this.update({ signedIn: false, expired });
  }

  private read(): Stored | undefined {
    try {
      const raw = this.storage?.getItem(STORAGE_KEY);
      const parsed = raw ? (JSON.parse(raw) as Stored) : undefined;
      return parsed?.tokens?.access_token ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  private update(state: SessionState): void {
    this.state = state;
    for (const l of this.listeners) l();
  }
}
