import { request as httpRequest } from 'node:http';
import { AddressInfo, connect, Socket } from 'node:net';
import { loadConfig } from '@app/config';
import { AppLogger, createPino } from '@app/observability';
import { Body, Controller, Delete, Get, HttpCode, Module, Param, Post } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsString } from 'class-validator';
import type { FastifyInstance } from 'fastify';
import { createHttpApp } from './create-http-app';
import { jsonNestingExceeds, LINGER_MS, MAX_JSON_DEPTH, setEdgeHeaders } from './http-edge';

class EchoBody {
  @IsString()
  name!: string;
}

@Controller()
class EdgeController {
  @Post('echo')
  echo(@Body() body: EchoBody): EchoBody {
    return body;
  }

  @Get('items/:id')
  get(@Param('id') id: string): { id: string } {
    return { id };
  }

  @Delete('items/:id')
  @HttpCode(204)
  remove(): void {}

  @Post('slow')
  async slow(): Promise<void> {
    await new Promise((r) => setTimeout(r, 10_000));
  }
}

@Module({ controllers: [EdgeController] })
class EdgeModule {}

const EDGE = { 'x-frame-options': 'DENY', 'content-security-policy': "default-src 'none'" };
const TIMEOUT_MS = 400;

/** One raw HTTP exchange: what the server wrote until it closed, and when it closed (ms after the first byte sent). */
function rawExchange(port: number, send: (socket: Socket) => void): Promise<{ text: string; closedAfterMs: number; firstByteMs: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    let text = '';
    let firstByteMs = -1;
    socket.on('data', (c) => {
      if (firstByteMs < 0) firstByteMs = Date.now() - started;
      text += c.toString('latin1');
    });
    socket.on('error', (e) => (/EPIPE|ECONNRESET/.test(String(e)) ? undefined : reject(e)));
    socket.on('close', () => resolve({ text, closedAfterMs: Date.now() - started, firstByteMs }));
    socket.on('connect', () => send(socket));
  });
}

function parseRaw(text: string): { status: number; headers: Record<string, string>; body: string } {
  const [head, ...rest] = text.split('\r\n\r\n');
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') };
}

describe('the HTTP edge', () => {
  let nest: NestFastifyApplication;
  let fastify: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    const config = loadConfig({ argv: [], env: { MCP_SERVER_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS), MCP_SERVER_BODY_LIMIT_BYTES: '65536' } });
    const logger = new AppLogger(createPino({ level: 'fatal', format: 'json', service: 'test' }));
    nest = await createHttpApp(EdgeModule, { app: 'test', config, logger, logRequests: false });
    fastify = nest.getHttpAdapter().getInstance() as unknown as FastifyInstance;
    setEdgeHeaders(fastify, EDGE);
    // What a plugin's own error handler (Mercurius sets one for the whole server) answers for a body parser error.
    fastify.get('/fastify-error', (_req, reply) => reply.code(400).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify({ statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY', error: 'Bad Request', message: "Body is not valid JSON but content-type is set to 'application/json'" })));
    fastify.get('/graphql-error', (_req, reply) => reply.code(400).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify({ data: null, errors: [{ message: 'bad query' }] })));
    await nest.listen(0, '127.0.0.1');
    port = (fastify.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await nest.close();
  });

  it('measures JSON nesting outside strings only', () => {
    expect(jsonNestingExceeds('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonNestingExceeds('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonNestingExceeds(JSON.stringify({ a: '['.repeat(1000), b: '\\"{{{{'.repeat(100) }))).toBe(false);
    expect(jsonNestingExceeds('{"a":[{"b":[1,{"c":{}}]}]}', 6)).toBe(false);
    expect(jsonNestingExceeds('{"a":[{"b":[1,{"c":{}}]}]}', 5)).toBe(true);
  });

  it('refuses JSON nested 10,000 deep with a 400 problem before parsing it', async () => {
    const deep = '{"name":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}';
    const res = await fastify.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: deep });
    expect(res.statusCode).toBe(400);
    // a JSON Merge Patch body (PATCH /integrations/{id}) is JSON too, bounded the same way
    const patch = await fastify.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/merge-patch+json' }, payload: deep });
    expect([patch.statusCode, patch.json().detail]).toEqual([400, `The request body nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels`]);
    expect((await fastify.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/merge-patch+json' }, payload: '{"name":"a"}' })).json()).toEqual({ name: 'a' });
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'BAD_REQUEST', detail: `The request body nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels` });
    // ordinary bodies still parse, with the prototype-poisoning check of Fastify's parser
    expect((await fastify.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{"name":"a"}' })).json()).toEqual({ name: 'a' });
    expect((await fastify.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{"name":"a","__proto__":{"x":1}}' })).statusCode).toBe(400);
  });

  it('rewrites Fastify\'s own error body, whoever\'s error handler wrote it, into problem+json; other bodies stay', async () => {
    const res = await fastify.inject({ method: 'GET', url: '/fastify-error' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({ status: 400, code: 'BAD_REQUEST', detail: 'The request body is not valid JSON', correlation_id: res.headers['x-correlation-id'] });
    const graphql = await fastify.inject({ method: 'GET', url: '/graphql-error' });
    expect(graphql.headers['content-type']).toContain('application/json');
    expect(graphql.json()).toEqual({ data: null, errors: [{ message: 'bad query' }] });
  });

  it('accepts a body-less request that says content-type: application/json', async () => {
    const res = await fastify.inject({ method: 'DELETE', url: '/items/1', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(204);
    // and an empty body where one is required is a validation error naming the field, not a parser error
    const post = await fastify.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '' });
    expect(post.statusCode).toBe(400);
    expect(post.json().errors.map((e: { field: string }) => e.field)).toEqual(['name']);
  });

  it('answers the router\'s own errors (bad percent-encoding, over-long parameter) as problem+json with the edge headers', async () => {
    const bad = await fastify.inject({ method: 'GET', url: '/items/%ff' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.headers['x-frame-options']).toBe('DENY');
    expect(bad.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(bad.json()).toMatchObject({ status: 400, code: 'BAD_REQUEST', instance: '/items/%ff', correlation_id: bad.headers['x-correlation-id'] });
    const long = await fastify.inject({ method: 'GET', url: `/items/${'a'.repeat(9000)}` });
    expect(long.statusCode).toBe(414);
    expect(long.headers['content-security-policy']).toBe("default-src 'none'");
    expect(long.json()).toMatchObject({ status: 414, code: 'URI_TOO_LONG' });
  });

  it('answers what Node\'s parser refuses (oversized headers, malformed HTTP) as problem+json with the edge headers, then closes', async () => {
    const big = parseRaw((await rawExchange(port, (s) => s.write(`GET /items/1 HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`))).text);
    expect(big.status).toBe(431);
    expect(big.headers['content-type']).toContain('application/problem+json');
    expect(big.headers['x-frame-options']).toBe('DENY');
    expect(JSON.parse(big.body)).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE', correlation_id: big.headers['x-correlation-id'] });
    const junk = parseRaw((await rawExchange(port, (s) => s.write('NOT HTTP AT ALL\r\n\r\n'))).text);
    expect(junk.status).toBe(400);
    expect(junk.headers['content-security-policy']).toBe("default-src 'none'");
    expect(JSON.parse(junk.body)).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
  });

  it('closes the connection of a trickled body once the request is answered, instead of reading it to the end', async () => {
    let timer: NodeJS.Timeout | undefined;
    const res = await rawExchange(port, (s) => {
      s.write('POST /slow HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 60000\r\n\r\n{');
      // one byte every 50 ms: the body would take well over a minute to arrive
      timer = setInterval(() => (s.writable ? s.write(' ') : clearInterval(timer)), 50);
    });
    clearInterval(timer);
    const answer = parseRaw(res.text);
    expect(answer.status).toBe(503);
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    // closed right after the answer's linger, while the client was still sending
    expect(res.closedAfterMs - res.firstByteMs).toBeLessThan(LINGER_MS + 1500);
  });

  it('answers a body over the limit with 413 that the client reads although it is still uploading', async () => {
    const body = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) });
    const res = await new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/echo', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (r) => {
        let text = '';
        r.on('data', (c) => (text += c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body: text, connection: r.headers.connection }));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(res.status).toBe(413);
    expect(res.connection).toBe('close');
    expect(JSON.parse(res.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });
});
