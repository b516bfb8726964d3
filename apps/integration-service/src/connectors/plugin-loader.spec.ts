import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AuthType, Direction, IntegrationType } from '@app/contracts';
import { createBuiltInRegistry } from './builtin-plugins';
import { loadPlugins } from './plugin-loader';

const EXAMPLE = resolve(__dirname, '../../../../examples/custom-plugin');

describe('loadPlugins and the CUSTOM dispatcher', () => {
  it('loads the example plugin: CUSTOM log-file chosen by connection.plugin, and the hmac-sha256 auth provider', async () => {
    const registry = createBuiltInRegistry();
    await loadPlugins(registry, [EXAMPLE], process.cwd());
    expect(registry.list().find((p) => p.type === 'CUSTOM')).toMatchObject({ directions: [Direction.INBOUND, Direction.OUTBOUND, Direction.BIDIRECTIONAL], authTypes: [AuthType.NONE] });
    expect(registry.validate({ type: IntegrationType.CUSTOM, direction: Direction.OUTBOUND, connection: { plugin: 'log-file', file: 'out/x.jsonl' } })).toEqual([]);
    // one plugin loaded: connection.plugin may be left out
    expect(registry.validate({ type: IntegrationType.CUSTOM, direction: Direction.OUTBOUND, connection: { file: 'out/x.jsonl' } })).toEqual([]);
    expect(registry.validate({ type: IntegrationType.CUSTOM, direction: Direction.INBOUND, connection: { plugin: 'log-file' } })).toEqual([{ field: 'connection.inbox_file', message: 'inbox_file is required' }]);
    expect(registry.validate({ type: IntegrationType.CUSTOM, direction: Direction.OUTBOUND, connection: { plugin: 'nope', file: 'x' } })).toEqual([{ field: 'connection.plugin', message: expect.stringContaining('unknown custom plugin "nope"') }]);
    expect(registry.validate({ type: IntegrationType.CUSTOM, direction: Direction.OUTBOUND, auth: { type: AuthType.BASIC }, connection: { file: 'x' } })[0]).toMatchObject({ field: 'auth.type' });
    expect(registry.validate({ type: IntegrationType.WEBHOOK, direction: Direction.OUTBOUND, auth: { type: AuthType.CUSTOM, custom: { provider: 'hmac-sha256', secret: 'short' } }, connection: { url: 'https://h.example' } })).toEqual([
      { field: 'auth.custom.secret', message: 'custom.secret must be at least 16 characters' },
    ]);
    expect(registry.inboundConcurrency(IntegrationType.CUSTOM, { plugin: 'log-file' })).toBe('one-replica');
    expect(registry.inboundConcurrency(IntegrationType.MESSAGE_QUEUE, {})).toBe('all-replicas');
  });

  it('asks for connection.plugin when several are loaded, and refuses a CUSTOM integration when none is', async () => {
    const registry = createBuiltInRegistry();
    expect(registry.validate({ type: IntegrationType.CUSTOM, direction: Direction.OUTBOUND, connection: {} })).toEqual([{ field: 'connection.plugin', message: expect.stringContaining('no custom plugin is loaded') }]);
    await loadPlugins(registry, [EXAMPLE], process.cwd());
    const { logFilePlugin } = require(EXAMPLE) as { logFilePlugin: never };
    registry.registerCustomPlugin('second', logFilePlugin);
    expect(registry.validate({ type: IntegrationType.CUSTOM, direction: Direction.OUTBOUND, connection: { file: 'x' } })).toEqual([{ field: 'connection.plugin', message: 'plugin is required: one of log-file, second' }]);
  });

  it('stops with one line naming the module that cannot be loaded or whose register() throws', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plugins-'));
    writeFileSync(join(dir, 'broken.js'), "exports.register = () => { throw new Error('no licence key'); };");
    writeFileSync(join(dir, 'empty.js'), 'exports.x = 1;');
    const registry = createBuiltInRegistry();
    await expect(loadPlugins(registry, ['./missing.js'], dir)).rejects.toThrow(/^integrations\.plugins: \.\/missing\.js: cannot be loaded: Cannot find module[^\n]*$/);
    await expect(loadPlugins(registry, ['./broken.js'], dir)).rejects.toThrow('integrations.plugins: ./broken.js: register() failed: no licence key');
    await expect(loadPlugins(registry, ['./empty.js'], dir)).rejects.toThrow('integrations.plugins: ./empty.js: exports no register(registry) function');
  });
});
