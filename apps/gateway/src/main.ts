import 'reflect-metadata';
import { ServiceName } from '@app/contracts';
import { AppRuntime, createDistributedRuntime, failStartup, handleShutdownSignals, loadConfigOrExit, RunningApp, startApp } from '@app/platform';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GatewayModule } from './gateway.module';
import { serveConsole } from './console/console-static';
import { hardenGateway } from './http-hardening';
import { keepWebhookRawBody } from './inbound/webhook-raw-body';
import { setupSwagger } from './swagger';
import { serveEventsWebSocket } from './events/events-websocket';

/** Starts the gateway; it always listens (server.host:server.port). `nest` is for in-process callers (aws-mcp mcp --standalone). */
export async function startGateway(runtime: AppRuntime): Promise<RunningApp & { nest: NestFastifyApplication }> {
  return startApp({
    app: ServiceName.Gateway,
    runtime,
    module: GatewayModule.forRoot(runtime),
    listen: true,
    configure: async (nest) => {
      await hardenGateway(nest, runtime.config);
      // POST /api/v1/hooks/{id} needs the raw bytes for signature checks (that route only, bounded).
      keepWebhookRawBody(nest);
      // Before the GraphQL module starts: its graphql-ws subscriptions share this @fastify/websocket.
      await serveEventsWebSocket(nest);
      setupSwagger(nest, runtime.version);
      await serveConsole(nest);
    },
  });
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const runtime = await createDistributedRuntime(config, ServiceName.Gateway);
  const app = await startGateway(runtime);
  if (runtime.migrateOnly) {
    await runtime.close();
    return;
  }
  handleShutdownSignals([app], runtime);
}

if (require.main === module) main().catch(failStartup);
