import { Socket } from 'node:net';
import { parse as parseForm } from 'node:querystring';
import { AppException } from '@app/contracts';
import { CORRELATION_HEADER, normaliseCorrelationId } from '@app/observability';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problemFrom, sendProblem, toAppException } from './problem-details.filter';

/**
 * What the process writes outside Nest's pipeline: the errors Fastify's router and Node's HTTP parser answer
 * themselves (a bad percent-encoding, an over-long path parameter, oversized headers, malformed HTTP), the
 * JSON body parser, and how a connection ends when the request is answered before its body arrived.
 */

/** Deeper JSON is refused before it is parsed: nothing here nests a tenth as deep, and recursive walks must not overflow. */
export const MAX_JSON_DEPTH = 64;
/** How long an answered connection keeps draining what the client still sends, so it reads the answer rather than a reset. */
export const LINGER_MS = 1000;

const EDGE_HEADERS = new WeakMap<object, Record<string, string>>();

/**
 * Headers every response of this server carries (the gateway's security headers). Responses that bypass
 * Fastify's hooks (router and parser errors) get them from here; the rest get them from the hooks as before.
 */
export function setEdgeHeaders(fastify: FastifyInstance, headers: Record<string, string>): void {
  EDGE_HEADERS.set(fastify, headers);
}

/** Whether `text` nests objects and arrays deeper than `max`: one pass, strings skipped, nothing allocated. */
export function jsonNestingExceeds(text: string, max = MAX_JSON_DEPTH): boolean {
  if (text.length <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * The JSON parser (Fastify's own, with its prototype-poisoning checks) behind a nesting bound, and an empty body
 * taken as no body: generated clients send `content-type: application/json` on DELETE and other body-less calls.
 * Forms are parsed as Nest's default did.
 */
export function registerBodyParsers(fastify: FastifyInstance, bodyLimit: number): void {
  const json = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  // JSON Merge Patch bodies (RFC 7396) are JSON and get the same bound.
  fastify.addContentTypeParser(['application/json', 'application/merge-patch+json'], { parseAs: 'string', bodyLimit }, (req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    if (jsonNestingExceeds(text)) return done(new AppException('BAD_REQUEST', `The request body nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels`), undefined);
    json(req, text, done);
  });
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit }, (_req, body, done) => done(null, parseForm(body as string)));
}

/** Half-closes once the answer is written, drains what the client still sends for LINGER_MS, then closes. */
export function closeAfterAnswer(socket: Socket): void {
  if (socket.destroyed) return;
  socket.end();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * A request answered before its body arrived (a trickled upload past the time bound, a body over the limit, a
 * refusal before parsing) ends its connection: Node would otherwise read and drop the rest for as long as the
 * client sends it. `connection: close` makes Node close the socket once the answer is out; its close
 * (`destroySoon`) would reset a connection the client is still writing to, and a reset can discard the answer
 * before the client reads it, so this socket closes gracefully instead.
 */
export function closeWhenBodyUnread(req: FastifyRequest, reply: FastifyReply): void {
  if (req.raw.complete) return;
  void reply.header('connection', 'close');
  const socket = req.raw.socket as Socket & { destroySoon?: () => void };
  socket.destroySoon = () => closeAfterAnswer(socket);
}

/**
 * Fastify's own error body (`{statusCode, error, message}`), written when an error reaches an error handler other
 * than Nest's: a plugin may set its own for the whole server (Mercurius does, for every route, not only /graphql),
 * and errors before the route (the body parser, preParsing) then skip the problem filter. Rewritten into the same
 * problem+json; any other body (a GraphQL `{errors}` answer) is left alone.
 */
export function problemFromFastifyError(payload: unknown, req: FastifyRequest, reply: FastifyReply): string | undefined {
  if (reply.statusCode < 400 || typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').startsWith('application/json')) return undefined;
  let body: { statusCode?: unknown; code?: unknown; message?: unknown; error?: unknown };
  try {
    body = JSON.parse(payload) as typeof body;
  } catch {
    return undefined;
  }
  if (typeof body?.statusCode !== 'number' || typeof body.message !== 'string' || typeof body.error !== 'string') return undefined;
  const code = typeof body.code === 'string' ? body.code : '';
  const known = new AppException(code);
  const e = code && !code.startsWith('FST_') && known.status === body.statusCode ? new AppException(code, body.message) : toAppException({ statusCode: body.statusCode, code: code.startsWith('FST_') ? code : 'FST_ERR', message: body.message });
  const problem = problemFrom(e, req.url.split('?')[0]);
  problem.correlation_id ||= String(reply.getHeader(CORRELATION_HEADER) ?? '');
  void reply.status(e.status).header('content-type', 'application/problem+json; charset=utf-8');
  return JSON.stringify(problem);
}

const ROUTER_ERRORS: Record<string, () => AppException> = {
  FST_ERR_BAD_URL: () => new AppException('BAD_REQUEST', 'The URL is not valid: a path segment is not valid percent-encoded UTF-8'),
  FST_ERR_MAX_PARAM_LENGTH: () => new AppException('URI_TOO_LONG', 'A path parameter exceeds 8192 characters'),
};

/** Fastify's `frameworkErrors`: the router's own refusals as problem+json with the edge headers. */
export function answerRouterError(error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply): void {
  const e = ROUTER_ERRORS[error.code ?? '']?.() ?? new AppException('INTERNAL_ERROR', 'The router failed to match the request');
  void reply.headers(EDGE_HEADERS.get(request.server) ?? {}).header(CORRELATION_HEADER, request.id);
  closeWhenBodyUnread(request, reply);
  sendProblem(reply, request, e);
}

const ANSWERED = new WeakSet<Socket>();

function parserProblem(code: string | undefined): AppException {
  if (code === 'HPE_HEADER_OVERFLOW') return new AppException('HEADERS_TOO_LARGE', 'The request headers exceed the server\'s limit');
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return new AppException('REQUEST_TIMEOUT', 'The request was not received in time');
  return new AppException('BAD_REQUEST', 'The request is not valid HTTP/1.1');
}

/**
 * Fastify's `clientErrorHandler` (Node's `clientError`: the HTTP parser refused the bytes, or the request did not
 * arrive in time): a problem+json answer with the edge headers and a correlation id, then a graceful close. Returns
 * the status answered (none when the peer was gone or a response had begun).
 */
export function answerClientError(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): number | undefined {
  if (error.code === 'ECONNRESET' || socket.destroyed || ANSWERED.has(socket)) return undefined;
  ANSWERED.add(socket);
  const started = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (!socket.writable || started) {
    socket.destroy();
    return undefined;
  }
  const e = parserProblem(error.code);
  const correlationId = normaliseCorrelationId(undefined);
  const body = JSON.stringify({ ...problemFrom(e, ''), correlation_id: correlationId });
  const headers: Record<string, string> = {
    ...(EDGE_HEADERS.get(this) ?? {}),
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    [CORRELATION_HEADER]: correlationId,
    connection: 'close',
  };
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.write(`HTTP/1.1 ${e.status} ${e.title}\r\n${head}\r\n${body}`);
  closeAfterAnswer(socket);
  return e.status;
}
