import { dirname, resolve } from 'node:path';
import { APP_CONFIG, AppConfig, ConfigError } from '@app/config';
import { Logger, Module } from '@nestjs/common';
import { createBuiltInRegistry } from './builtin-plugins';
import { ConnectorRegistry } from './connector.registry';
import { loadPlugins, PluginLoadError } from './plugin-loader';

/** Where relative plugin paths start: the config file's folder, else the working directory. */
function pluginBaseDir(config: AppConfig): string {
  const file = (config as AppConfig & { source?: { file?: string } }).source?.file;
  return file ? dirname(resolve(file)) : process.cwd();
}

/**
 * Provides the ConnectorRegistry filled with every built-in auth provider and integration type, then the plugin
 * modules listed in `integrations.plugins`. A plugin that fails to load stops the service at start, with one
 * line naming it (exit code 78, like any other configuration error).
 */
@Module({
  providers: [
    {
      provide: ConnectorRegistry,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        const registry = createBuiltInRegistry();
        const logger = new Logger('IntegrationPlugins');
        try {
          await loadPlugins(registry, config.integrations.plugins ?? [], pluginBaseDir(config), (m) => logger.log(m));
        } catch (e) {
          if (e instanceof PluginLoadError) throw new ConfigError(e.message);
          throw e;
        }
        return registry;
      },
    },
  ],
  exports: [ConnectorRegistry],
})
export class ConnectorsModule {}
