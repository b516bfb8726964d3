import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configDir, ProfileStore } from './profiles';

describe('ProfileStore', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'aws-mcp-profiles-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives in $XDG_CONFIG_HOME/aws-mcp when that is absolute, else ~/.config/aws-mcp', () => {
    expect(configDir({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/u' })).toBe('/x/cfg/aws-mcp');
    expect(configDir({ XDG_CONFIG_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.config/aws-mcp');
    expect(configDir({ HOME: '/home/u' })).toBe('/home/u/.config/aws-mcp');
  });

  it('writes the file 0600 in a 0700 directory, whole, and tightens a file others could read', async () => {
    const store = new ProfileStore(join(dir, 'aws-mcp'));
    await store.update('default', () => ({ url: 'http://127.0.0.1:8000', api_key: 'mcp_x' }));
    expect(statSync(join(dir, 'aws-mcp')).mode & 0o777).toBe(0o700);
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    chmodSync(store.path, 0o640);
    expect(new ProfileStore(join(dir, 'aws-mcp')).get('default')).toEqual({ url: 'http://127.0.0.1:8000', api_key: 'mcp_x' });
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    await store.update('default', () => undefined);
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({ profiles: {} });
  });

  it('serialises read-modify-write across holders with a lock file (no update is lost)', async () => {
    const path = join(dir, 'aws-mcp');
    const stores = [new ProfileStore(path), new ProfileStore(path)];
    await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % 2].update(`p${i}`, () => ({ url: `http://h${i}` }))));
    expect(Object.keys(stores[0].read().profiles)).toHaveLength(20);
  });

  it('a file that is not ours is a clear error, and __proto__ is just a name', async () => {
    const store = new ProfileStore(join(dir, 'aws-mcp'));
    await store.update('default', () => ({ url: 'http://a' }));
    expect(store.get('__proto__')).toBeUndefined();
    writeFileSync(store.path, '{not json');
    expect(() => store.read()).toThrow(/is not valid JSON/);
  });
});
