import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The console's policy: everything from this origin only, no inline script or style (the build emits files; React
 * sets styles through the CSSOM, which CSP does not restrict), no frames, no plugins.
 */
const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Paths that belong to the API and the probes: never answered with the console's page. */
const RESERVED = ['/api', '/health', '/metrics', '/mcp', '/.well-known'];

function isReservedPath(url: string): boolean {
  const path = url.split('?')[0];
  return RESERVED.some((p) => path === p || path.startsWith(`${p}/`));
}

/** Where `npm run build` puts the console (dist/console), from dist/apps/gateway/src/console. */
const CONSOLE_DIR = resolve(__dirname, '../../../../console');

/**
 * Serves the web console (apps/console, built by Vite) at `/`: hashed assets under /assets with a year's caching
 * (and their .br/.gz twins when the client takes them), index.html for `/` and for any other page address a browser
 * navigates to (the SPA's client routes), never for the API's and probes' prefixes, which keep their 404
 * problem+json. Without a build (a backend-only checkout) `/` is a 404 that says how to build it.
 */
export async function serveConsole(nest: NestFastifyApplication, dir = CONSOLE_DIR): Promise<boolean> {
  const fastify = nest.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const indexFile = join(dir, 'index.html');
  if (!existsSync(indexFile)) {
    new Logger('Console').warn(`no console build at ${dir}: run npm run build`);
    return false;
  }
  const indexHtml = readFileSync(indexFile);
  await fastify.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false, // one route per built file, so nothing else is matched by this plugin
    index: false,
    globIgnore: ['index.html', '**/*.gz', '**/*.br'],
    preCompressed: true,
    decorateReply: false,
    cacheControl: false, // ours, below
    setHeaders: (res, path) => {
      res.setHeader('content-security-policy', CONSOLE_CSP);
      res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const page = (req: FastifyRequest, reply: FastifyReply) => {
    // A client route is something a browser navigates to; a script or probe asking for JSON gets the 404 problem.
    if (isReservedPath(req.url) || !String(req.headers.accept ?? '').includes('text/html')) return reply.callNotFound();
    return reply.header('content-security-policy', CONSOLE_CSP).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(indexHtml);
  };
  fastify.get('/', page);
  fastify.get('/*', page);
  return true;
}
