import { AppConfig } from '@app/config';
import { AppLogger, CORRELATION_HEADER, httpDuration, httpRequests, normaliseCorrelationId, runWithCorrelation } from '@app/observability';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
  const adapter = new FastifyAdapter({
    bodyLimit: config.server.body_limit_bytes,
    // URL-encoded ARNs are path parameters (GET /resources/{arn}); ARNs run up to 2048 characters.
    routerOptions: { maxParamLength: 8192 },
    requestTimeout: config.server.request_timeout_ms,
    // Only the configured proxies' X-Forwarded-For is believed (req.ip); never any client's by default.
    trustProxy: config.server.trusted_proxies.length ? config.server.trusted_proxies : false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => normaliseCorrelationId(req.headers[CORRELATION_HEADER]),
    // What the router and Node's parser answer themselves leaves as problem+json too (http-edge.ts).
    frameworkErrors: answerRouterError as never,
    clientErrorHandler: answerClientError as never,
  });
  // Our own JSON parser (a nesting bound, empty bodies allowed) instead of Nest's.
  const nest = await NestFactory.create<NestFastifyApplication>(module as never, adapter, { logger: opts.logger, bufferLogs: false, abortOnError: false, bodyParser: false });
  const fastify = nest.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  registerBodyParsers(fastify, config.server.body_limit_bytes);
  fastify.addHook('onSend', (req, reply, payload, done) => {
    closeWhenBodyUnread(req, reply);
    done(null, problemFromFastifyError(payload, req, reply) ?? payload);
  });
  const requestLog = new Logger('HTTP');

  // Correlation id: one per request, echoed back, and the async context of everything the request does.
  fastify.addHook('onRequest', (req, reply, done) => {
    void reply.header(CORRELATION_HEADER, req.id);
    runWithCorrelation(req.id, done);
  });
  fastify.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    const labels = { app, method: req.method, route, status: String(reply.statusCode) };
    const seconds = reply.elapsedTime / 1000;
    httpRequests.inc(labels);
    httpDuration.observe(labels, seconds);
    if (opts.logRequests !== false && !route.startsWith('/health') && route !== '/metrics') {
      runWithCorrelation(req.id, () =>
        requestLog.log({ msg: 'request', method: req.method, path: req.url.split('?')[0], route, status: reply.statusCode, duration_ms: Math.round(reply.elapsedTime * 10) / 10 }),
      );
    }
    done();
  });
  // Nest installs Fastify's error and not-found handlers at init and routes them through the global filters,
  // so bad JSON, oversized bodies and unknown routes also leave as problem+json.
  nest.useGlobalFilters(new ProblemDetailsFilter());
  nest.useGlobalPipes(new ContractValidationPipe());
  boundRequestTime(fastify, config.server.request_timeout_ms);
  return nest;
}
