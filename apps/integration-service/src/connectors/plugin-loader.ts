import { isAbsolute, resolve } from 'node:path';
import { ConnectorRegistry } from './connector.registry';

/** What a plugin module exports (CommonJS `exports.register` or an ES module's `register`/default). */
export type RegisterFn = (registry: ConnectorRegistry) => void | Promise<void>;

function registerOf(mod: unknown): RegisterFn | undefined {
  const m = mod as { register?: unknown; default?: unknown } | undefined;
  if (typeof m?.register === 'function') return m.register as RegisterFn;
  const d = m?.default as { register?: unknown } | undefined;
  if (typeof d === 'function') return d as unknown as RegisterFn;
  if (typeof d?.register === 'function') return d.register as RegisterFn;
  return undefined;
}

/** A plugin that cannot be loaded: the message names the module and the reason, on one line. */
export class PluginLoadError extends Error {
  constructor(
    readonly modulePath: string,
    reason: string,
  ) {
    super(`integrations.plugins: ${modulePath}: ${reason.split('\n')[0]}`);
    this.name = 'PluginLoadError';
  }
}

/**
 * Loads each plugin module (relative paths against `baseDir`: the config file's folder, else the working
 * directory) and calls its `register(registry)`, in order. The first failure throws PluginLoadError, so a
 * service with a broken plugin does not start half-equipped.
 */
export async function loadPlugins(registry: ConnectorRegistry, modules: string[], baseDir: string, log?: (msg: string) => void): Promise<string[]> {
  const loaded: string[] = [];
  for (const spec of modules) {
    // A path (absolute, ./x, x/y.js) is taken relative to baseDir; a bare or scoped name is an installed package.
    const isPath = isAbsolute(spec) || spec.startsWith('.') || (/[\\/]/.test(spec) && !spec.startsWith('@'));
    let path = spec;
    let mod: unknown;
    try {
      path = isPath ? resolve(baseDir, spec) : require.resolve(spec, { paths: [baseDir, process.cwd()] });
      mod = require(path);
    } catch (e) {
      throw new PluginLoadError(spec, `cannot be loaded: ${(e as Error).message}`);
    }
    const register = registerOf(mod);
    if (!register) throw new PluginLoadError(spec, 'exports no register(registry) function');
    try {
      await register(registry);
    } catch (e) {
      throw new PluginLoadError(spec, `register() failed: ${(e as Error).message}`);
    }
    loaded.push(path);
    log?.(`loaded integration plugin ${spec}`);
  }
  return loaded;
}
