import { AppConfig } from '@app/config';
import { AppLogger, CORRELATION_HEADER, httpDuration, httpRequests, normaliseCorrelationId, runWithCorrelation } from '@app/observability';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import { ContractValidationPipe } from './contract-validation.pipe';
import { answerClientError, answerRouterError, closeWhenBodyUnread, problemFromFastifyError, registerBodyParsers } from './http-edge';
import { ProblemDetailsFilter } from './problem-details.filter';
import { boundRequestTime } from './request-timeout';

export interface HttpAppOptions {
  app: string;
  config: AppConfig;
  logger: AppLogger;
  /** Log one line per request (off for ops-only apps to keep probes quiet). */
  logRequests?: boolean;
}

/**
 * Every app's HTTP server: Fastify with the body limit, correlation ids, a log line and metrics per request,
 * problem+json for every error (including Fastify's own: bad JSON, too large, unknown route), and a timeout.
 */
export async function createHttpApp(module: unknown, opts: HttpAppOptions): Promise<NestFastifyApplication> {
  const { config, app } = opts;
  const requestLog = new Logger('HTTP');
  /** One answered request in the metrics and (unless a probe or /metrics) the log. */
  const recordRequest = (id: string | undefined, method: string, url: string, route: string, status: number, ms: number) => {
    const labels = { app, method, route, status: String(status) };
    httpRequests.inc(labels);
    httpDuration.observe(labels, ms / 1000);
    if (opts.logRequests !== false && !route.startsWith('/health') && route !== '/metrics') {
      const line = () => requestLog.log({ msg: 'request', method, path: url.split('?')[0], route, status, duration_ms: Math.round(ms * 10) / 10 });
      if (id === undefined) line();
      else runWithCorrelation(id, line);
    }
  };
  const adapter = new FastifyAdapter({
    bodyLimit: config.server.body_limit_bytes,
    // URL-encoded ARNs are path parameters (GET /resources/{arn}); ARNs run up to 2048 characters.
    routerOptions: { maxParamLength: 8192 },
    requestTimeout: config.server.request_timeout_ms,
    // Only the configured proxies' X-Forwarded-For is believed (req.ip); never any client's by default.
    trustProxy: config.server.trusted_proxies.length ? config.server.trusted_proxies : false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => normaliseCorrelationId(req.headers[CORRELATION_HEADER]),
    // What the router and Node's parser answer themselves leaves as problem+json too (http-edge.ts), and is counted and
    // logged like any request: neither passes through the onResponse hook below.
    frameworkErrors: ((error: Error & { code?: string }, req: FastifyRequest, reply: FastifyReply) => {
      answerRouterError(error, req, reply);
      recordRequest(req.id, req.method, req.url, 'unmatched', reply.statusCode, reply.elapsedTime);
    }) as never,
    clientErrorHandler: function (this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket) {
      const status = answerClientError.call(this, error, socket);
      if (status !== undefined) recordRequest(undefined, 'UNKNOWN', '', 'unparsed', status, 0);
    } as never,
  });
  // Our own JSON parser (a nesting bound, empty bodies allowed) instead of Nest's.
  const nest = await NestFactory.create<NestFastifyApplication>(module as never, adapter, { logger: opts.logger, bufferLogs: false, abortOnError: false, bodyParser: false });
  const fastify = nest.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  registerBodyParsers(fastify, config.server.body_limit_bytes);
  fastify.addHook('onSend', (req, reply, payload, done) => {
    closeWhenBodyUnread(req, reply);
    done(null, problemFromFastifyError(payload, req, reply) ?? payload);
  });

  // Correlation id: one per request, echoed back, and the async context of everything the request does.
  fastify.addHook('onRequest', (req, reply, done) => {
    void reply.header(CORRELATION_HEADER, req.id);
    runWithCorrelation(req.id, done);
  });
  fastify.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done) => {
    recordRequest(req.id, req.method, req.url, req.routeOptions?.url ?? 'unmatched', reply.statusCode, reply.elapsedTime);
    done();
  });
  // Nest installs Fastify's error and not-found handlers at init and routes them through the global filters,
  // so bad JSON, oversized bodies and unknown routes also leave as problem+json.
  nest.useGlobalFilters(new ProblemDetailsFilter());
  nest.useGlobalPipes(new ContractValidationPipe());
  boundRequestTime(fastify, config.server.request_timeout_ms);
  return nest;
}
