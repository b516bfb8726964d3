import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows a burst of perMinute, then refuses with the seconds until the next token, and refills over time', () => {
    let now = 0;
    const limiter = new RateLimiter(60, 100, () => now);
    for (let i = 0; i < 60; i++) expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take('b').allowed).toBe(true); // keys are independent
    now += 1000;
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('keeps at most maxKeys buckets, dropping the least recently used', () => {
    const limiter = new RateLimiter(1, 3, () => 0);
    for (const k of ['a', 'b', 'c']) limiter.take(k);
    expect(limiter.take('a').allowed).toBe(false); // a is now the most recent
    limiter.take('d'); // evicts b
    expect(limiter.size).toBe(3);
    expect(limiter.take('b').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });
});
