import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { ApiConnectionError, ApiError, apiKeyCredentials, createApiClient, type SessionTokens, streamEvents, TokenSession, type TokenStore, unwrap } from '@app/api-client';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A loopback HTTP server standing in for the gateway: each test routes requests its own way. */
async function server(handler: Handler): Promise<{ url: string; close(): Promise<void>; seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> }> {
  const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
  const s: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((r) => (s.closeAllConnections(), s.close(() => r()))),
  };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const tokens = (n: number, now: number, ttlMs = 900_000): SessionTokens => ({ access_token: `a.${n}.x`, refresh_token: `mcr_${n}`, access_expires_at: now + ttlMs, refresh_expires_at: now + 86_400_000 });

describe('api client', () => {
  it('sends the API key and one correlation id, and unwraps the data', async () => {
    const gw = await server((_req, _b, res) => json(res, 200, { items: [{ id: 'x' }], limit: 50, next_cursor: null }));
    try {
      const client = createApiClient({ baseUrl: `${gw.url}/`, credentials: apiKeyCredentials('mcp_key'), correlationId: 'cli-run-1' });
      const page = await unwrap(client.GET('/api/v1/accounts', { params: { query: { limit: 50 } } }));
      expect(page.items).toHaveLength(1);
      expect(gw.seen[0]).toMatchObject({ method: 'GET', url: '/api/v1/accounts?limit=50' });
      expect(gw.seen[0].headers).toMatchObject({ 'x-api-key': 'mcp_key', 'x-correlation-id': 'cli-run-1' });
      expect(gw.seen[0].headers.authorization).toBeUndefined();
    } finally {
      await gw.close();
    }
  });

  it('turns a problem into an ApiError with its title, detail, code, field errors and Retry-After', async () => {
    const problem = { type: 'https://aws-mcp-server.dev/problems/validation-failed', title: 'Request validation failed', status: 400, detail: 'The request body has 1 invalid field: name', instance: '/api/v1/integrations', code: 'VALIDATION_FAILED', correlation_id: 'c-1', errors: [{ field: 'name', message: 'name must be shorter' }, { bogus: true }] };
    const gw = await server((req, _b, res) => (req.url!.includes('busy') ? json(res, 503, { ...problem, status: 503, title: 'Service unavailable', code: 'SERVICE_UNAVAILABLE', errors: undefined }, { 'retry-after': '5' }) : req.url!.includes('proxy') ? (res.writeHead(502, 'Bad Gateway', { 'content-type': 'text/html' }), res.end('<html>')) : json(res, 400, problem)));
    try {
      const client = createApiClient({ baseUrl: gw.url });
      const e = (await unwrap(client.POST('/api/v1/integrations', { body: { name: 'x' } as never })).catch((x) => x)) as ApiError;
      expect(e).toBeInstanceOf(ApiError);
      expect(e).toMatchObject({ status: 400, title: 'Request validation failed', detail: 'The request body has 1 invalid field: name', code: 'VALIDATION_FAILED', correlationId: 'c-1', fieldErrors: [{ field: 'name', message: 'name must be shorter' }] });
      expect(e.message).toBe('Request validation failed: The request body has 1 invalid field: name');
      const busy = (await unwrap(client.GET('/api/v1/integrations/{id}', { params: { path: { id: 'busy' } } })).catch((x) => x)) as ApiError;
      expect(busy).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5, fieldErrors: [] });
      const proxy = (await unwrap(client.GET('/api/v1/integrations/{id}', { params: { path: { id: 'proxy' } } })).catch((x) => x)) as ApiError;
      expect(proxy).toMatchObject({ status: 502, code: 'HTTP_502', title: 'Bad Gateway' });
    } finally {
      await gw.close();
    }
  });

  it('reports a gateway it cannot reach as ApiConnectionError', async () => {
    const gw = await server(() => undefined);
    await gw.close(); // the port is now closed
    const e = await unwrap(createApiClient({ baseUrl: gw.url }).GET('/api/v1/accounts')).catch((x) => x);
    expect(e).toBeInstanceOf(ApiConnectionError);
    expect((e as Error).message).toMatch(/^Cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
  });
});

describe('TokenSession', () => {
  /** A gateway whose refresh rotates tokens like ours: each refresh token works once. */
  async function rotatingGateway() {
    let issued = 1;
    const valid = new Set(['mcr_1']);
    const live = new Set(['a.1.x']);
    const gw = await server((req, body, res) => {
      if (req.url === '/api/v1/auth/refresh') {
        const { refresh_token } = JSON.parse(body);
        if (!valid.delete(refresh_token)) return json(res, 401, { title: 'Invalid or expired credentials', code: 'AUTH_TOKEN_INVALID', status: 401, detail: 'used' });
        issued++;
        valid.add(`mcr_${issued}`);
        live.add(`a.${issued}.x`);
        return json(res, 200, { access_token: `a.${issued}.x`, token_type: 'Bearer', expires_in: 900, refresh_token: `mcr_${issued}`, refresh_expires_in: 86400 });
      }
      const token = String(req.headers.authorization ?? '').replace('Bearer ', '');
      if (!live.has(token)) return json(res, 401, { title: 'Invalid or expired credentials', code: 'AUTH_TOKEN_INVALID', status: 401, detail: 'expired' });
      json(res, 200, { token });
    });
    return { gw, live, refreshes: () => gw.seen.filter((r) => r.url === '/api/v1/auth/refresh').length };
  }

  const memoryStore = (initial?: SessionTokens): TokenStore & { value?: SessionTokens } => {
    const store: TokenStore & { value?: SessionTokens } = { value: initial, load: () => store.value, save: (t) => void (store.value = t) };
    return store;
  };

  it('refreshes an access token about to expire once for concurrent requests, and saves the rotated tokens', async () => {
    const { gw, refreshes } = await rotatingGateway();
    try {
      const now = Date.now();
      const store = memoryStore(tokens(1, now, 10_000));
      const session = new TokenSession(store.value!, { baseUrl: gw.url, store });
      const client = createApiClient({ baseUrl: gw.url, credentials: session });
      const results = await Promise.all([1, 2, 3].map(() => unwrap(client.GET('/api/v1/system/health'))));
      expect(results).toEqual([{ token: 'a.2.x' }, { token: 'a.2.x' }, { token: 'a.2.x' }].map((r) => expect.objectContaining(r)));
      expect(refreshes()).toBe(1);
      expect(store.value).toMatchObject({ access_token: 'a.2.x', refresh_token: 'mcr_2' });
      expect(store.value!.access_expires_at).toBeGreaterThanOrEqual(now + 900_000);
    } finally {
      await gw.close();
    }
  });

  it('refreshes after a 401 and repeats the request; adopts tokens another process refreshed instead of reusing a refresh token', async () => {
    const { gw, live, refreshes } = await rotatingGateway();
    try {
      const now = Date.now();
      const store = memoryStore(tokens(1, now));
      const session = new TokenSession(store.value!, { baseUrl: gw.url, store });
      const client = createApiClient({ baseUrl: gw.url, credentials: session });
      live.delete('a.1.x'); // revoked or expired by the server's clock while our copy says it is valid
      expect(await unwrap(client.GET('/api/v1/system/health'))).toMatchObject({ token: 'a.2.x' });
      expect(refreshes()).toBe(1);

      // Another process refreshed meanwhile (mcr_2 → mcr_3) and stored its tokens; ours (a.2.x) stop working.
      const other = new TokenSession(store.value!, { baseUrl: gw.url, store });
      await other.refresh('a.2.x');
      live.delete('a.2.x');
      expect(await unwrap(client.GET('/api/v1/system/health'))).toMatchObject({ token: 'a.3.x' });
      expect(refreshes()).toBe(2); // the stored tokens were taken; mcr_2 was not presented again
    } finally {
      await gw.close();
    }
  });

  it('gives up with the 401 when the refresh token is refused', async () => {
    const { gw, live } = await rotatingGateway();
    try {
      const store = memoryStore(tokens(9, Date.now()));
      live.add('a.9.x');
      const client = createApiClient({ baseUrl: gw.url, credentials: new TokenSession(store.value!, { baseUrl: gw.url, store }) });
      live.delete('a.9.x');
      const e = (await unwrap(client.GET('/api/v1/system/health')).catch((x) => x)) as ApiError;
      expect(e).toMatchObject({ status: 401, code: 'AUTH_TOKEN_INVALID', detail: 'expired' });
    } finally {
      await gw.close();
    }
  });
});

describe('streamEvents', () => {
  it('delivers events and resumes after a dropped connection with Last-Event-ID', async () => {
    const event = (seq: number) => `id: ${seq}\nevent: fleet.resource.discovered\ndata: ${JSON.stringify({ specversion: '1.0', id: `e${seq}`, type: 'fleet.resource.discovered', source: 'fleet', time: 'now', data: { seq } })}\n\n`;
    let connections = 0;
    const gw = await server((req, _b, res) => {
      connections++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (connections === 1) {
        res.write(`retry: 50\n: subscribed\n\n${event(1)}${event(2)}`);
        setTimeout(() => res.destroy(), 20);
      } else res.write(event(Number(req.headers['last-event-id']) + 1));
    });
    const ac = new AbortController();
    const got: Array<{ id?: string; data: unknown }> = [];
    const disconnects: number[] = [];
    try {
      await streamEvents(
        { baseUrl: gw.url, credentials: apiKeyCredentials('mcp_k') },
        {
          subjects: ['fleet.resource.*', 'health.>'],
          signal: ac.signal,
          onEvent: (e) => {
            got.push({ id: e.id, data: e.data.data });
            if (got.length === 3) ac.abort();
          },
          onDisconnect: (_e, delay) => void disconnects.push(delay),
        },
      );
      expect(got).toEqual([
        { id: '1', data: { seq: 1 } },
        { id: '2', data: { seq: 2 } },
        { id: '3', data: { seq: 3 } },
      ]);
      expect(disconnects).toEqual([50]);
      expect(gw.seen[0].url).toBe('/api/v1/events/stream?subjects=fleet.resource.*%2Chealth.%3E');
      expect(gw.seen[0].headers['x-api-key']).toBe('mcp_k');
      expect(gw.seen[1].headers['last-event-id']).toBe('2');
    } finally {
      await gw.close();
    }
  });

  it('resumes after the position the stream opened at when it drops before the first event (and does not report it as an event)', async () => {
    const event = (seq: number) => `id: ${seq}\nevent: integration.created\ndata: ${JSON.stringify({ specversion: '1.0', id: `e${seq}`, type: 'integration.created', source: 'i', time: 'now', data: { seq } })}\n\n`;
    let connections = 0;
    const gw = await server((req, _b, res) => {
      connections++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (connections === 1) {
        res.write('retry: 50\n: subscribed to integration.created\nid: 41\ndata:\n\n');
        setTimeout(() => res.destroy(), 20);
      } else res.write(event(Number(req.headers['last-event-id']) + 1));
    });
    const ac = new AbortController();
    const got: Array<{ id?: string; data: unknown }> = [];
    try {
      await streamEvents({ baseUrl: gw.url }, { signal: ac.signal, onEvent: (e) => (got.push({ id: e.id, data: e.data.data }), ac.abort()) });
      expect(gw.seen[1].headers['last-event-id']).toBe('41');
      expect(got).toEqual([{ id: '42', data: { seq: 42 } }]);
    } finally {
      await gw.close();
    }
  });

  it('rejects a refused stream with the problem', async () => {
    const gw = await server((_r, _b, res) => json(res, 403, { title: 'Forbidden', status: 403, code: 'FORBIDDEN', detail: 'Your role may not read fleet events' }));
    try {
      const e = await streamEvents({ baseUrl: gw.url }, { onEvent: () => undefined }).catch((x) => x);
      expect(e).toMatchObject({ status: 403, code: 'FORBIDDEN', detail: 'Your role may not read fleet events' });
    } finally {
      await gw.close();
    }
  });
});
