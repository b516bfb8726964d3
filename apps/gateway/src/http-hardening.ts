import fastifyHelmet from '@fastify/helmet';
import { AppConfig } from '@app/config';
import { sendProblem, setEdgeHeaders } from '@app/platform';
import helmet from 'helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientAddress, IdentifiedRequest } from './auth/current-identity';
import { RequestLimits } from './auth/request-limits';
import { AuditRecorder } from './audit/audit.recorder';

/** The JSON API never renders HTML: nothing may load, frame or submit. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** Swagger UI: its scripts and styles come from us; it injects inline styles and data: icons; it calls only this origin. */
const DOCS_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

const HELMET = { contentSecurityPolicy: false, crossOriginResourcePolicy: { policy: 'same-origin' } } as const;

/**
 * The headers helmet sets with our options, for the responses that bypass Fastify's hooks (router and HTTP
 * parser errors, libs/platform http-edge.ts): helmet's own middleware run once against a recording response.
 */
function helmetHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = { setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)), removeHeader: () => undefined };
  helmet(HELMET)({} as never, recorder as never, () => undefined);
  return headers;
}

const UNLIMITED = (url: string) => url.startsWith('/health/') || url === '/metrics' || url.startsWith('/metrics?');

/**
 * Security headers (helmet; a strict CSP for the API and one Swagger UI can live with), CORS for the configured
 * origins only, the per-address rate limit before anything else runs, and the audit record of every mutating
 * request (and of every read of a secret) once its status is known.
 */
export async function hardenGateway(nest: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = nest.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  await nest.register(fastifyHelmet as never, HELMET as never);
  setEdgeHeaders(fastify, { ...helmetHeaders(), 'content-security-policy': API_CSP, 'cache-control': 'no-store' });
  fastify.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    // The console's pages set their own (console/console-static.ts).
    if (!reply.hasHeader('content-security-policy')) void reply.header('content-security-policy', req.url.startsWith('/api/docs') ? DOCS_CSP : API_CSP);
    if (!reply.hasHeader('cache-control') && req.url.startsWith('/api/v1/')) void reply.header('cache-control', 'no-store');
    return payload;
  });

  const origins = config.server.cors_origins;
  if (origins.length) {
    nest.enableCors({
      origin: origins.includes('*') ? true : origins,
      credentials: false, // tokens travel in headers, never cookies
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'x-api-key', 'content-type', 'x-correlation-id', 'last-event-id'],
      exposedHeaders: ['x-correlation-id', 'retry-after'],
      maxAge: 600,
    });
  }

  const limits = nest.get(RequestLimits);
  fastify.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (UNLIMITED(req.url)) return;
    const refused = limits.checkAddress(clientAddress(req));
    if (refused) {
      sendProblem(reply, req, refused);
      return reply;
    }
  });

  const audit = nest.get(AuditRecorder);
  fastify.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
    // The MCP and GraphQL doors record each tool call / mutation themselves (who, action, censored arguments,
    // outcome), not each POST (most POST /graphql are reads).
    if (!AuditRecorder.audits(req.method, req.routeOptions?.config) || req.routeOptions?.url === '/mcp' || req.routeOptions?.url === '/graphql') return;
    audit.record({
      method: req.method,
      url: req.url,
      route: req.routeOptions?.url,
      routeConfig: req.routeOptions?.config,
      status: reply.statusCode,
      correlationId: String(req.id),
      clientAddress: clientAddress(req),
      identity: (req as IdentifiedRequest).identity,
    });
  });
}
