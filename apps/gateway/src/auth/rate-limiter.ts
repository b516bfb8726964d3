/** Result of taking one token: allowed, or how long until one is available. */
export type TakeResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updated: number;
}

/**
 * Token buckets keyed by identity or client address: `perMinute` requests a minute on average with bursts up to
 * `perMinute`. In memory, per gateway instance; the map is bounded so that a spray of addresses cannot grow it
 * without limit (the least recently used buckets go first).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perMinute: number,
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): TakeResult {
    const now = this.now();
    const rate = this.perMinute / 60_000; // tokens per ms
    let b = this.buckets.get(key);
    if (b) {
      this.buckets.delete(key); // re-insert below: Map order is the LRU order
      b.tokens = Math.min(this.perMinute, b.tokens + (now - b.updated) * rate);
      b.updated = now;
    } else {
      b = { tokens: this.perMinute, updated: now };
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    }
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000)) };
  }

  get size(): number {
    return this.buckets.size;
  }
}
