import { createServer } from 'node:net';
import { ConnectorError } from '../connector.port';
import { HttpPeer } from '../../../../../test/support/connectors/http-peer';
import { OutboundHttp, parseRetryAfter } from './outbound-http';
import { OutboundBlockedError } from './outbound-guard';

describe('OutboundHttp', () => {
  let peer: HttpPeer;
  let other: HttpPeer;
  const clients: OutboundHttp[] = [];
  const client = (opts: Partial<ConstructorParameters<typeof OutboundHttp>[0]> = {}) => {
    const c = new OutboundHttp({ policy: { allow: ['127.0.0.0/8'] }, timeoutMs: 3000, ...opts });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    peer = await HttpPeer.start();
    other = await HttpPeer.start();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    peer.requests.length = 0;
    other.requests.length = 0;
  });
  afterAll(async () => {
    await peer.stop();
    await other.stop();
  });

  it('returns status, lower-case headers and the body', async () => {
    peer.on((req, res) => {
      res.setHeader('X-Echo', req.headers['x-in'] as string);
      res.statusCode = 201;
      res.end(`got ${req.method} ${req.body.toString()}`);
    });
    const res = await client().request({ method: 'PUT', url: peer.url('/a?b=1'), headers: { 'x-in': 'hi' }, body: 'payload' });
    expect(res.status).toBe(201);
    expect(res.headers['x-echo']).toBe('hi');
    expect(res.body.toString()).toBe('got PUT payload');
    expect(res.truncated).toBe(false);
    expect(peer.requests[0]).toMatchObject({ method: 'PUT', url: '/a?b=1' });
  });

  it('refuses loopback when the policy does not allow it, without sending anything', async () => {
    const err = await client({ policy: { allow: [] } })
      .request({ method: 'GET', url: peer.url(), headers: {} })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutboundBlockedError);
    expect((err as ConnectorError).retryable).toBe(false);
    expect(peer.requests).toHaveLength(0);
  });

  it('checks host names after DNS at connect time and connects to the checked address', async () => {
    peer.on((req, res) => res.end(req.headers.host));
    const lookup = async () => ['127.0.0.1'];
    const blocked = await client({ policy: { allow: [] }, lookup })
      .request({ method: 'GET', url: `http://rebound.test:${peer.port}/`, headers: {} })
      .catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(OutboundBlockedError);
    expect(peer.requests).toHaveLength(0);

    const res = await client({ lookup }).request({ method: 'GET', url: `http://rebound.test:${peer.port}/`, headers: {} });
    expect(res.body.toString()).toBe(`rebound.test:${peer.port}`); // Host header kept, socket went to the checked IP
  });

  it('follows redirects only when asked, re-checking every hop', async () => {
    peer.on((req, res) => {
      if (req.url === '/meta') res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      else if (req.url === '/hop') res.writeHead(307, { location: '/final' }).end();
      else res.end(`at ${req.url}`);
    });
    const c = client();
    expect((await c.request({ method: 'GET', url: peer.url('/hop'), headers: {} })).status).toBe(307);
    const followed = await c.request({ method: 'GET', url: peer.url('/hop'), headers: {} }, { followRedirects: true });
    expect(followed.body.toString()).toBe('at /final');
    await expect(c.request({ method: 'GET', url: peer.url('/meta'), headers: {} }, { followRedirects: true })).rejects.toBeInstanceOf(
      OutboundBlockedError,
    );
    // 127.0.0.0/8 allowed for the first hop only through the policy; a strict client refuses the decimal form too.
    const strict = client({ policy: { allow: [] }, lookup: async () => ['93.184.216.34'] });
    await expect(strict.request({ method: 'GET', url: 'http://2130706433/x', headers: {} })).rejects.toBeInstanceOf(OutboundBlockedError);
  });

  it('gives up after 5 redirects', async () => {
    peer.on((req, res) => res.writeHead(302, { location: `/r${Number(req.url.slice(2) || 0) + 1}` }).end());
    const err = await client()
      .request({ method: 'GET', url: peer.url('/r0'), headers: {} }, { followRedirects: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as Error).message).toMatch(/More than 5 redirects/);
    expect(peer.requests).toHaveLength(6);
  });

  it('authorizes same-origin hops only: credentials never follow a redirect to another origin', async () => {
    peer.on((req, res) => res.writeHead(302, { location: other.url('/landing') }).end());
    other.on((req, res) => res.end('landed'));
    const res = await client().request(
      { method: 'GET', url: peer.url('/start'), headers: { cookie: 'user-set=1', accept: 'text/plain' } },
      { followRedirects: true, authorize: async (r) => ({ ...r, headers: { ...r.headers, authorization: 'Bearer s3cret' } }) },
    );
    expect(res.body.toString()).toBe('landed');
    expect(peer.requests[0].headers.authorization).toBe('Bearer s3cret');
    expect(other.requests[0].headers.authorization).toBeUndefined();
    expect(other.requests[0].headers.cookie).toBeUndefined();
    expect(other.requests[0].headers.accept).toBe('text/plain');
  });

  it('keeps at most maxResponseBytes of a body', async () => {
    peer.on((_req, res) => res.end(Buffer.alloc(64 * 1024, 0x61)));
    const res = await client({ maxResponseBytes: 1000 }).request({ method: 'GET', url: peer.url(), headers: {} });
    expect(res.body.length).toBe(1000);
    expect(res.truncated).toBe(true);
  });

  it('reports a peer that never answers as a retryable timeout', async () => {
    peer.on(() => undefined); // holds the request open
    const err = await client({ timeoutMs: 200 })
      .request({ method: 'GET', url: peer.url(), headers: {} })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).retryable).toBe(true);
    expect((err as Error).message).toMatch(/No response within 200 ms/);
  });

  it('reports a refused connection as a retryable network error', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const err = await client()
      .request({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {} })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).retryable).toBe(true);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('parses Retry-After on 429 and 503 only', async () => {
    peer.on((req, res) => {
      if (req.url === '/429') res.writeHead(429, { 'retry-after': '7' }).end();
      else if (req.url === '/503') res.writeHead(503, { 'retry-after': new Date(Date.now() + 120_000).toUTCString() }).end();
      else res.writeHead(500, { 'retry-after': '9' }).end();
    });
    const c = client();
    expect((await c.request({ method: 'GET', url: peer.url('/429'), headers: {} })).retryAfterSeconds).toBe(7);
    const s503 = (await c.request({ method: 'GET', url: peer.url('/503'), headers: {} })).retryAfterSeconds;
    expect(s503).toBeGreaterThanOrEqual(110);
    expect(s503).toBeLessThanOrEqual(121);
    expect((await c.request({ method: 'GET', url: peer.url('/500'), headers: {} })).retryAfterSeconds).toBeUndefined();
  });

  it('parseRetryAfter reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
