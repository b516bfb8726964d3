import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp } from '../http/create-http-app';
import { ShutdownState } from '../health/readiness';
import { AppRuntime, RunningApp } from './runtime';

export interface StartAppOptions {
  app: string;
  runtime: AppRuntime;
  module: unknown;
  /** Open an HTTP port (always for the gateway; for the others only in distributed mode). */
  listen: boolean;
  port?: number;
  configure?: (nest: NestFastifyApplication) => void | Promise<void>;
}

/** Creates, configures and starts one app the same way in both modes. */
export async function startApp(opts: StartAppOptions): Promise<RunningApp & { nest: NestFastifyApplication }> {
  const { runtime, app } = opts;
  const nest = await createHttpApp(opts.module, { app, config: runtime.config, logger: runtime.loggerFor(app), logRequests: app === 'gateway' });
  await opts.configure?.(nest);
  let url: string | undefined;
  if (runtime.migrateOnly) {
    // `--migrate-only`: open the data source (which applies the migrations) and stop, for a Kubernetes Job.
    await nest.init();
    await nest.close();
    new Logger('Bootstrap').log(`${app}: migrations applied`);
    return { app, nest, beginShutdown: () => undefined, close: async () => undefined };
  }
  if (opts.listen) {
    const host = runtime.config.server.host;
    await nest.listen(opts.port ?? runtime.config.server.port, host);
    const address = nest.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : opts.port;
    url = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;
    new Logger('Bootstrap').log(`${app} listening on ${url}`);
  } else {
    await nest.init();
  }
  const shutdown = nest.get(ShutdownState);
  return {
    app,
    url,
    nest,
    beginShutdown: () => {
      shutdown.shuttingDown = true;
    },
    close: () => nest.close(),
  };
}
