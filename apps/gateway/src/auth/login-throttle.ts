interface Failures {
  count: number;
  first: number;
  lockedUntil: number;
}

export interface LoginThrottleOptions {
  maxFailures: number;
  /** Failures per client address before it is locked (several usernames from one place). */
  maxFailuresPerAddress: number;
  windowMs: number;
  lockoutMs: number;
  maxKeys?: number;
}

/**
 * Failed logins per username and per client address: each failure slows the next answer down, and too many
 * within the window lock the username (or the address) out for a while. A success clears the username's count
 * but not the address's, so an attacker cannot reset it by logging into an account of their own.
 */
export class LoginThrottle {
  private readonly entries = new Map<string, Failures>();

  constructor(
    private readonly opts: LoginThrottleOptions,
    private readonly now: () => number = Date.now,
  ) {}

  private keys(username: string, address: string): Array<[string, number]> {
    return [
      [`u:${username.toLowerCase()}`, this.opts.maxFailures],
      [`a:${address}`, this.opts.maxFailuresPerAddress],
    ];
  }

  private get(key: string): Failures | undefined {
    const f = this.entries.get(key);
    if (f && f.lockedUntil <= this.now() && this.now() - f.first > this.opts.windowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return f;
  }

  /** Seconds until the username or address may try again, or 0. */
  lockedFor(username: string, address: string): number {
    const now = this.now();
    let until = 0;
    for (const [key] of this.keys(username, address)) until = Math.max(until, this.get(key)?.lockedUntil ?? 0);
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** Records a failure; returns how long to hold the answer back (grows with the failures so far). */
  fail(username: string, address: string): number {
    const now = this.now();
    let most = 0;
    for (const [key, max] of this.keys(username, address)) {
      const f = this.get(key) ?? { count: 0, first: now, lockedUntil: 0 };
      f.count++;
      if (f.count >= max) f.lockedUntil = now + this.opts.lockoutMs;
      this.entries.delete(key);
      if (this.entries.size >= (this.opts.maxKeys ?? 100_000)) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(key, f);
      most = Math.max(most, f.count);
    }
    return Math.min(2000, 200 * most);
  }

  succeed(username: string): void {
    this.entries.delete(`u:${username.toLowerCase()}`);
  }
}
