import { DynamicModule, Module } from '@nestjs/common';
import { CapabilitiesModule } from '../capabilities.module';
import { confirmationKey, MCP_CONFIRMATION_KEY } from './mcp-confirmation';
import { McpServerFactory } from './mcp-server.factory';

/** The MCP door's server factory over the edge services; its controller lives with the gateway's (it needs the auth providers). */
@Module({})
export class McpModule {
  /** `jwtSecret`: every replica has the same, so a confirmation token minted by one is good on all. */
  static forRoot(opts: { jwtSecret: Buffer }): DynamicModule {
    return {
      module: McpModule,
      imports: [CapabilitiesModule],
      providers: [McpServerFactory, { provide: MCP_CONFIRMATION_KEY, useValue: confirmationKey(opts.jwtSecret) }],
      exports: [McpServerFactory],
    };
  }
}
