import Fastify, { FastifyInstance } from 'fastify';
import { boundRequestTime } from './request-timeout';

describe('boundRequestTime', () => {
  let app: FastifyInstance;
  let released: () => void;

  beforeEach(async () => {
    app = Fastify();
    boundRequestTime(app, 150);
    const gate = new Promise<void>((r) => (released = r));
    app.get('/slow', async () => {
      await gate;
      return { late: true };
    });
    app.get('/fast', async () => ({ ok: true }));
    app.get('/hijacked', async (_req, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
      reply.raw.write('data: one\n\n');
      setTimeout(() => reply.raw.end('data: two\n\n'), 300);
    });
    await app.ready();
  });

  afterEach(async () => {
    released();
    await app.close();
  });

  it('answers a request that takes too long with a 503 problem and Retry-After', async () => {
    const res = await app.inject({ method: 'GET', url: '/slow' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toMatchObject({ status: 503, code: 'UPSTREAM_TIMEOUT', detail: 'The request did not complete within 150 ms' });
  });

  it('leaves requests answered in time alone', async () => {
    const res = await app.inject({ method: 'GET', url: '/fast' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
  });

  it('does not cut a hijacked (streaming) reply that outlives the bound', async () => {
    const res = await app.inject({ method: 'GET', url: '/hijacked' });
    expect(res.statusCode).toBe(200);
    expect(res.payload).toBe('data: one\n\ndata: two\n\n');
  });
});
