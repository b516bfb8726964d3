import { Module } from '@nestjs/common';
import { createBuiltInRegistry } from './builtin-plugins';
import { ConnectorRegistry } from './connector.registry';

/** Provides the ConnectorRegistry filled with every built-in auth provider and integration type. */
@Module({
  providers: [{ provide: ConnectorRegistry, useFactory: createBuiltInRegistry }],
  exports: [ConnectorRegistry],
})
export class ConnectorsModule {}
