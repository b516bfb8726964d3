import { LoginThrottle } from './login-throttle';
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

describe('LoginThrottle', () => {
  const opts = { maxFailures: 3, maxFailuresPerAddress: 5, windowMs: 60_000, lockoutMs: 120_000 };

  it('slows down each failure and locks the username after maxFailures, for lockoutMs', () => {
    let now = 0;
    const t = new LoginThrottle(opts, () => now);
    expect(t.fail('Alice', '10.0.0.1')).toBe(200);
    expect(t.fail('alice', '10.0.0.2')).toBe(400); // usernames are case-insensitive
    expect(t.lockedFor('alice', '10.0.0.3')).toBe(0);
    t.fail('ALICE', '10.0.0.3');
    expect(t.lockedFor('alice', '10.0.0.9')).toBe(120);
    now += 119_000;
    expect(t.lockedFor('alice', '10.0.0.9')).toBe(1);
    now += 2000;
    expect(t.lockedFor('alice', '10.0.0.9')).toBe(0);
  });

  it('locks an address that sprays usernames; a success clears the username but not the address', () => {
    const t = new LoginThrottle(opts, () => 0);
    for (let i = 0; i < 4; i++) t.fail(`user${i}`, '10.0.0.1');
    t.fail('mine', '10.0.0.1');
    t.succeed('mine');
    expect(t.lockedFor('someone-else', '10.0.0.1')).toBe(120);
    expect(t.lockedFor('someone-else', '10.0.0.2')).toBe(0);
  });

  it('caps the delay at 2 s', () => {
    const t = new LoginThrottle({ ...opts, maxFailures: 100, maxFailuresPerAddress: 100 }, () => 0);
    let delay = 0;
    for (let i = 0; i < 30; i++) delay = t.fail('bob', '10.0.0.1');
    expect(delay).toBe(2000);
  });
});
