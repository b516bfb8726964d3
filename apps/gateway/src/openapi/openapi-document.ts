import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { InProcessMessageBus } from '@app/messaging';
import { AppLogger, createPino } from '@app/observability';
import { AppRuntime, productVersion } from '@app/platform';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { GatewayModule } from '../gateway.module';
import { buildOpenApiDocument } from '../swagger';

/**
 * The gateway's OpenAPI document without a database, a bus or a port: Nest's preview mode resolves the module
 * graph (controllers and their metadata) without instantiating a provider, so nothing connects anywhere. The
 * document depends only on the code and the package version, so it is the same on every machine.
 */
export async function createOpenApiDocument(): Promise<OpenAPIObject> {
  // Defaults only: no file or environment can change what the code declares.
  const config = loadConfig({ argv: [], env: {} });
  const logger = new AppLogger(createPino({ level: 'ERROR', format: 'json', service: 'openapi' }));
  const runtime: AppRuntime = {
    config,
    mode: 'standalone',
    bus: new InProcessMessageBus(config.nats.request_timeout_ms),
    databaseUrl: 'postgres://preview.invalid/none',
    encryptionKey: Buffer.alloc(32),
    jwtSecret: Buffer.alloc(32),
    listenAll: false,
    instanceId: 'openapi',
    version: productVersion(),
    startedAt: new Date(0),
    loggerFor: () => logger,
    info: (app) => ({ app, instanceId: 'openapi', version: productVersion(), startedAt: new Date(0), mode: 'standalone', singleInstance: true }),
    close: async () => undefined,
  };
  const nest = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot(runtime), new FastifyAdapter(), { preview: true, logger: false, abortOnError: false });
  try {
    return buildOpenApiDocument(nest, runtime.version);
  } finally {
    await nest.close();
  }
}
