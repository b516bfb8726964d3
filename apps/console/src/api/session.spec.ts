import { describe, expect, it } from 'vitest';
import { ConsoleSession, roleOf } from './session';

const jwt = (payload: object) => `h.${btoa(JSON.stringify(payload)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.s`;

class MemoryStorage implements Storage {
  private m = new Map<string, string>();
  get length() {
    return this.m.size;
  }
  clear() {
    this.m.clear();
  }
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  key(i: number) {
    return [...this.m.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
}

describe('ConsoleSession', () => {
  it('reads the role from the access token', () => {
    expect(roleOf(jwt({ role: 'operator', sub: 'x' }))).toBe('operator');
    expect(roleOf(jwt({ role: 'root' }))).toBeUndefined();
    expect(roleOf('garbage')).toBeUndefined();
  });

  it('comes back signed in after a reload, and expires into "sign in again"', () => {
    const storage = new MemoryStorage();
    const tokens = { access_token: jwt({ role: 'viewer' }), refresh_token: 'mcr_x', access_expires_at: Date.now() + 60_000, refresh_expires_at: Date.now() + 600_000 };
    storage.setItem('aws-mcp-console.session', JSON.stringify({ tokens, username: 'vera' }));
    const s = new ConsoleSession('http://localhost', storage);
    expect(s.current).toEqual({ signedIn: true, username: 'vera', role: 'viewer', expired: false });
    let notified = 0;
    s.subscribe(() => notified++);
    s.expire();
    expect(s.current).toEqual({ signedIn: false, expired: true });
    expect(notified).toBe(1);
    expect(storage.getItem('aws-mcp-console.session')).toBeNull();
  });
});
