import { Module } from '@nestjs/common';
import { CapabilitiesModule } from '../capabilities.module';
import { McpServerFactory } from './mcp-server.factory';

/** The MCP door's server factory over the edge services; its controller lives with the gateway's (it needs the auth providers). */
@Module({ imports: [CapabilitiesModule], providers: [McpServerFactory], exports: [McpServerFactory] })
export class McpModule {}
