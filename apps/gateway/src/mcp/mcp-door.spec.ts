import { AppConfig, loadConfig } from '@app/config';
import { AppException } from '@app/contracts';
import { ConfirmationTokens, requestDigest } from './mcp-confirmation';
import { credentialHeaders, hostAllowed, hostnameOf } from './mcp-door';
import { fitPage } from './mcp-output';

const config = (mcp: Record<string, unknown> = {}, server: Record<string, unknown> = {}): AppConfig => loadConfig({ argv: [], env: {}, overrides: { mcp, server } });

describe('MCP door helpers', () => {
  it('reads host names from Host headers, IPv6 included, and refuses malformed ones', () => {
    expect(hostnameOf('LocalHost:8000')).toBe('localhost');
    expect(hostnameOf('[::1]:8000')).toBe('[::1]');
    expect(hostnameOf('127.0.0.1')).toBe('127.0.0.1');
    expect(hostnameOf('evil.example/x')).toBeUndefined();
    expect(hostnameOf('a b')).toBeUndefined();
  });

  it('allows only the configured hosts, and an Origin only when it names one of them or a CORS origin', () => {
    const c = config({ allowed_hosts: ['mcp.example.com', 'localhost'] }, { cors_origins: ['https://console.example.org'] });
    expect(hostAllowed({ host: 'mcp.example.com:443' }, c)).toBe(true);
    expect(hostAllowed({ host: 'evil.example' }, c)).toBe(false);
    expect(hostAllowed({}, c)).toBe(false);
    expect(hostAllowed({ host: 'localhost:8000', origin: 'http://localhost:3000' }, c)).toBe(true);
    expect(hostAllowed({ host: 'localhost:8000', origin: 'https://evil.example' }, c)).toBe(false);
    expect(hostAllowed({ host: 'localhost:8000', origin: 'https://console.example.org' }, c)).toBe(true);
    expect(hostAllowed({ host: 'localhost:8000', origin: 'null' }, c)).toBe(false);
  });

  it('allows the host of mcp.public_url without listing it again (a deployment names its public URL once)', () => {
    const c = config({ public_url: 'https://Fleet.Example.com/mcp' });
    expect(hostAllowed({ host: 'fleet.example.com' }, c)).toBe(true);
    expect(hostAllowed({ host: 'localhost:8000', origin: 'https://fleet.example.com' }, c)).toBe(true);
    expect(hostAllowed({ host: 'other.example.com' }, c)).toBe(false);
    expect(hostAllowed({ host: 'fleet.example.com' }, config())).toBe(false);
  });

  it('refuses a bad allowed_hosts at start, naming the key', () => {
    expect(() => config({ allowed_hosts: ['http://x:80'] })).toThrow(/mcp\.allowed_hosts/);
    expect(() => config({ max_output_chars: 10 })).toThrow(/mcp\.max_output_chars/);
  });

  it('reads an API key sent as a bearer as X-API-Key, and leaves JWTs and explicit keys alone', () => {
    const key = `mcp_0123456789abcdef_${'A'.repeat(43)}`;
    expect(credentialHeaders({ authorization: `Bearer ${key}` })).toEqual({ 'x-api-key': key });
    expect(credentialHeaders({ authorization: 'Bearer a.b.c' })).toEqual({ authorization: 'Bearer a.b.c' });
    expect(credentialHeaders({ authorization: `Bearer ${key}`, 'x-api-key': 'other' })).toEqual({ authorization: `Bearer ${key}`, 'x-api-key': 'other' });
  });

  it('confirmation tokens are bound to the digest, expire, and resist tampering', () => {
    const tokens = new ConfirmationTokens(Buffer.alloc(32, 7));
    const digest = requestDigest('api_key:1', { command: 'ec2 terminate-instances', targets: { account_ids: ['123456789012'] } });
    const t = tokens.mint(digest, 1_764_000_000_000);
    expect(tokens.verify(t, digest, 1_764_000_000_000 + 60_000)).toBe(true);
    expect(tokens.verify(t, digest, 1_764_000_000_000 + 6 * 60_000)).toBe(false);
    expect(tokens.verify(t, requestDigest('api_key:2', { command: 'ec2 terminate-instances', targets: { account_ids: ['123456789012'] } }), 1_764_000_000_001)).toBe(false);
    expect(tokens.verify(`${t.slice(0, -1)}${t.endsWith('A') ? 'B' : 'A'}`, digest, 1_764_000_000_001)).toBe(false);
    expect(new ConfirmationTokens(Buffer.alloc(32, 8)).verify(t, digest, 1_764_000_000_001)).toBe(false);
    expect(tokens.verify(undefined, digest)).toBe(false);
  });

  it('pages a list below the cap by asking for fewer items, and refuses one item over it', async () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ i, pad: 'x'.repeat(100) }));
    const asked: number[] = [];
    const fetch = async (limit: number) => (asked.push(limit), { items: items.slice(0, limit), next_cursor: 'c' });
    const page = await fitPage(fetch, 50, 2000);
    expect(JSON.stringify(page).length).toBeLessThanOrEqual(2000);
    expect(page.items.length).toBeGreaterThan(5);
    expect(asked[0]).toBe(50);
    await expect(fitPage(async () => ({ items: [{ pad: 'x'.repeat(5000) }] }), 10, 2000)).rejects.toBeInstanceOf(AppException);
  });
});
