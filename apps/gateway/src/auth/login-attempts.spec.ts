import { AttemptRow, reserveAttempt } from './login-attempts';

describe('reserveAttempt', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  const at = (secondsAgo: number) => new Date(now.getTime() - secondsAgo * 1000);
  const keys = [
    { key: 'a:10.0.0.1', max: 12 },
    { key: 'u:alice', max: 3 },
  ];
  const rules = { windowMs: 60_000 };
  const row = (key: string, attempts: number, over: Partial<AttemptRow> = {}): AttemptRow => ({ key, attempts, window_start: at(10), locked_until: null, ...over });

  it('takes a slot on every key while each has one left', () => {
    const r = reserveAttempt([row('a:10.0.0.1', 5), row('u:alice', 1)], keys, rules, now);
    expect(r).toMatchObject({ allowed: true, attempts: 6 });
    expect(r.allowed && r.rows.map((x) => [x.key, x.attempts])).toEqual([
      ['a:10.0.0.1', 6],
      ['u:alice', 2],
    ]);
  });

  it('refuses once the slots are taken (by failures or by checks still running), without taking any', () => {
    expect(reserveAttempt([row('a:10.0.0.1', 0), row('u:alice', 3)], keys, rules, now)).toEqual({ allowed: false, retryAfterSeconds: 2 });
    expect(reserveAttempt([row('a:10.0.0.1', 12), row('u:alice', 0)], keys, rules, now)).toEqual({ allowed: false, retryAfterSeconds: 2 });
  });

  it('refuses a locked key until the lock ends, then starts it over', () => {
    const lockedRow = row('u:alice', 3, { locked_until: new Date(now.getTime() + 90_500) });
    expect(reserveAttempt([row('a:10.0.0.1', 0), lockedRow], keys, rules, now)).toEqual({ allowed: false, retryAfterSeconds: 91 });
    const ended = reserveAttempt([row('a:10.0.0.1', 0), { ...lockedRow, locked_until: at(1) }], keys, rules, now);
    expect(ended.allowed && ended.rows.find((x) => x.key === 'u:alice')).toEqual({ key: 'u:alice', attempts: 1, window_start: now, locked_until: null });
  });

  it('starts a key over once its window passed without a lock', () => {
    const r = reserveAttempt([row('a:10.0.0.1', 11, { window_start: at(61) }), row('u:alice', 2)], keys, rules, now);
    expect(r.allowed && r.rows.map((x) => x.attempts)).toEqual([1, 3]);
  });

  it('treats a key without a row as new', () => {
    expect(reserveAttempt([], keys, rules, now)).toMatchObject({ allowed: true, attempts: 1 });
  });
});
