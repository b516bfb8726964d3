import { AuthType, Direction, FieldError, IntegrationType } from '@app/contracts';
import { ConnectorContext, ConnectorError, ConnectorPlugin } from '../connector.port';

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * CUSTOM: several plugins may be loaded at once; each integration names the one it uses in `connection.plugin`
 * (optional when exactly one is loaded). The registry checks the chosen plugin's directions and auth types,
 * and the chosen plugin validates the rest of `connection` (`plugin` included, so it may ignore it).
 */
export class CustomDispatcherPlugin implements ConnectorPlugin {
  readonly type = IntegrationType.CUSTOM;
  private readonly plugins = new Map<string, ConnectorPlugin>();

  add(name: string, plugin: ConnectorPlugin): void {
    if (!NAME.test(name)) throw new Error(`Invalid custom plugin name: ${name} (1-64 letters, digits, _ . -)`);
    if (this.plugins.has(name)) throw new Error(`A custom plugin named ${name} is already registered`);
    if (typeof plugin?.create !== 'function' || typeof plugin.validateConnection !== 'function' || !Array.isArray(plugin.directions)) {
      throw new Error(`Custom plugin ${name} must have directions, authTypes, validateConnection() and create()`);
    }
    this.plugins.set(name, plugin);
  }

  names(): string[] {
    return [...this.plugins.keys()].sort();
  }

  get directions(): Direction[] {
    return Object.values(Direction).filter((d) => [...this.plugins.values()].some((p) => p.directions.includes(d)));
  }

  get authTypes(): string[] {
    const all = new Set<string>();
    for (const p of this.plugins.values()) for (const a of p.authTypes ?? [AuthType.NONE]) all.add(a);
    return [...all];
  }

  get description(): string {
    const names = this.names();
    return names.length
      ? `Plugins loaded from integrations.plugins, chosen by connection.plugin: ${names.map((n) => `${n} (${this.plugins.get(n)?.description ?? ''})`).join('; ')}`
      : 'No custom plugin is loaded (list plugin modules in integrations.plugins)';
  }

  /** The plugin a connection asks for, or the field error saying why there is none. */
  select(connection: Record<string, unknown>): ConnectorPlugin | FieldError {
    const names = this.names();
    const wanted = connection.plugin;
    if (wanted === undefined || wanted === null || wanted === '') {
      if (names.length === 1) return this.plugins.get(names[0]) as ConnectorPlugin;
      return { field: 'plugin', message: names.length ? `plugin is required: one of ${names.join(', ')}` : 'no custom plugin is loaded (integrations.plugins)' };
    }
    const plugin = typeof wanted === 'string' ? this.plugins.get(wanted) : undefined;
    return plugin ?? { field: 'plugin', message: `unknown custom plugin ${JSON.stringify(wanted)} (loaded: ${names.join(', ') || 'none'})` };
  }

  validateConnection(connection: Record<string, unknown>, direction?: Direction): FieldError[] {
    const chosen = this.select(connection);
    return 'create' in chosen ? chosen.validateConnection(connection, direction) : [chosen];
  }

  create(context: ConnectorContext) {
    const chosen = this.select(context.connection);
    if (!('create' in chosen)) throw new ConnectorError(`connection.${chosen.field}: ${chosen.message}`);
    return chosen.create(context);
  }

  /** The chosen plugin's, else one-replica (pollers must not run twice). */
  inboundConcurrencyOf(connection: Record<string, unknown>): 'all-replicas' | 'one-replica' {
    const chosen = this.select(connection);
    return 'create' in chosen ? (chosen.inboundConcurrency ?? 'one-replica') : 'one-replica';
  }
}
