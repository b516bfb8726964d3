import { AppException, AuthConfigDto, AuthType, Direction, FieldError, IntegrationType } from '@app/contracts';
import { AuthProvider } from './auth/auth-provider';
import { CustomAuthImplementation, CustomAuthProvider } from './auth/custom.provider';
import { ConnectionField, Connector, ConnectorContext, ConnectorPlugin } from './connector.port';
import { CustomDispatcherPlugin } from './custom/custom-dispatcher.plugin';
import { AuthProviderLookup } from './http/http-connector.base';

/** What `validate` needs of an integration's config (IntegrationConfigDto satisfies it). */
export interface ConnectorConfig {
  type: IntegrationType | string;
  direction: Direction | string;
  auth?: Partial<AuthConfigDto> | null;
  connection?: Record<string, unknown> | null;
}

/** A plugin as the API lists it. */
export interface PluginDescriptor {
  type: string;
  description: string;
  directions: Direction[];
  authTypes: string[];
  connectionFields: readonly ConnectionField[];
}

/**
 * Integration types and auth providers by name (the seed's IntegrationRegistry). Plain class: unit tests
 * build one directly; ConnectorsModule provides one filled by registerBuiltInPlugins.
 */
export class ConnectorRegistry implements AuthProviderLookup {
  private readonly plugins = new Map<string, ConnectorPlugin>();
  private readonly authProviders = new Map<string, AuthProvider>();

  /** The seed's `register_plugin_type`. Registering a type twice is a wiring mistake and throws. */
  registerPluginType(type: IntegrationType | string, plugin: ConnectorPlugin): this {
    // CUSTOM is a dispatcher: a plugin registered for it is added under its name (connection.plugin picks it).
    const existing = this.plugins.get(type);
    if (existing instanceof CustomDispatcherPlugin && !(plugin instanceof CustomDispatcherPlugin)) {
      return this.registerCustomPlugin((plugin as ConnectorPlugin & { name?: string }).name ?? 'default', plugin);
    }
    if (existing) throw new Error(`Integration type ${type} is already registered`);
    this.plugins.set(type, plugin);
    return this;
  }

  /** Adds a CUSTOM plugin under `name`; integrations choose it with `connection.plugin`. */
  registerCustomPlugin(name: string, plugin: ConnectorPlugin): this {
    let dispatcher = this.plugins.get(IntegrationType.CUSTOM);
    if (!dispatcher) this.plugins.set(IntegrationType.CUSTOM, (dispatcher = new CustomDispatcherPlugin()));
    if (!(dispatcher instanceof CustomDispatcherPlugin)) throw new Error('CUSTOM is registered as a single plugin, not a dispatcher');
    dispatcher.add(name, plugin);
    return this;
  }

  /** How replicas share this config's inbound source (see ConnectorPlugin.inboundConcurrency). */
  inboundConcurrency(type: IntegrationType | string, connection: Record<string, unknown>): 'all-replicas' | 'one-replica' {
    const plugin = this.plugins.get(type);
    if (plugin instanceof CustomDispatcherPlugin) return plugin.inboundConcurrencyOf(connection);
    return plugin?.inboundConcurrency ?? 'one-replica';
  }

  registerAuthProvider(type: AuthType | string, provider: AuthProvider): this {
    if (this.authProviders.has(type)) throw new Error(`Auth provider ${type} is already registered`);
    this.authProviders.set(type, provider);
    return this;
  }

  /** Adds an implementation for CUSTOM auth, chosen per integration by `auth.custom.provider`. */
  registerCustomAuthProvider(name: string, impl: CustomAuthImplementation): this {
    const custom = this.authProviders.get(AuthType.CUSTOM);
    if (!(custom instanceof CustomAuthProvider)) throw new Error('The CUSTOM auth provider is not registered');
    custom.register(name, impl);
    return this;
  }

  get(type: IntegrationType | string): ConnectorPlugin | undefined {
    return this.plugins.get(type);
  }

  getAuthProvider(type: AuthType | string): AuthProvider | undefined {
    return this.authProviders.get(type);
  }

  list(): PluginDescriptor[] {
    return [...this.plugins.entries()]
      .map(([type, p]) => ({ type, description: p.description, directions: [...p.directions], authTypes: [...p.authTypes], connectionFields: p.connectionFields ?? [] }))
      .sort((a, b) => a.type.localeCompare(b.type));
  }

  listAuthTypes(): string[] {
    return [...this.authProviders.keys()].sort();
  }

  /**
   * Everything a plugin and its auth provider find wrong with a config, with dotted paths
   * (`type`, `direction`, `auth.type`, `auth.token`, `connection.url`). Empty when it can be served.
   */
  validate(config: ConnectorConfig): FieldError[] {
    const registered = this.plugins.get(config.type);
    if (!registered) {
      return [{ field: 'type', message: `No connector is registered for type ${config.type} (available: ${[...this.plugins.keys()].sort().join(', ')})` }];
    }
    // A dispatcher (CUSTOM) names the plugin that serves this connection: its directions and auth types apply.
    const selected = registered.select ? registered.select(config.connection ?? {}) : registered;
    if (!('create' in selected)) return [{ field: `connection.${selected.field}`, message: selected.message }];
    const plugin = selected;
    const errors: FieldError[] = [];
    if (!plugin.directions.includes(config.direction as Direction)) {
      errors.push({ field: 'direction', message: `${config.type} supports ${plugin.directions.join(', ')}, not ${config.direction}` });
    }
    const auth = { ...(config.auth ?? {}), type: config.auth?.type ?? AuthType.NONE } as AuthConfigDto;
    if (!plugin.authTypes.includes(auth.type)) {
      errors.push({ field: 'auth.type', message: `${config.type} supports auth ${plugin.authTypes.join(', ')}, not ${auth.type}` });
    } else {
      const provider = this.authProviders.get(auth.type);
      if (!provider) errors.push({ field: 'auth.type', message: `No auth provider is registered for ${auth.type}` });
      else errors.push(...provider.validate(auth).map((e) => ({ field: `auth.${e.field}`, message: e.message })));
    }
    const connection = config.connection ?? {};
    const direction = Object.values(Direction).includes(config.direction as Direction) ? (config.direction as Direction) : undefined;
    errors.push(
      ...plugin.validateConnection(connection, direction).map((e) => ({ field: `connection.${e.field}`, message: e.message })),
    );
    return errors;
  }

  /** Validates the context's settings and builds the connector (not yet initialised). */
  createConnector(context: ConnectorContext): Connector {
    const errors = this.validate(context);
    if (errors.length) {
      throw new AppException('VALIDATION_FAILED', `The integration ${context.name} cannot be served: ${errors.map((e) => e.field).join(', ')}`, { errors });
    }
    return (this.plugins.get(context.type) as ConnectorPlugin).create(context);
  }
}
