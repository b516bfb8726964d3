import { connect, NatsConnection } from 'nats';
import { Client } from 'pg';
import { rawRequest, SystemUnderTest, waitFor } from '@app/testing';

/**
 * The seed's Integration Management API through the gateway, against the real system: one standalone process
 * (PGlite + in-process bus) or the four apps over NATS/JetStream and PostgreSQL (E2E_MODE).
 */
describe(`Integration registry (${process.env.E2E_MODE ?? 'standalone'})`, () => {
  let sut: SystemUnderTest;
  let http: ReturnType<SystemUnderTest['api']>;
  let nc: NatsConnection | undefined;
  const events: Array<{ subject: string; msgId?: string; body: any }> = [];

  // A real Standard Webhooks secret: whsec_ + base64 of the key bytes.
  const SIGNING_SECRET = `whsec_${Buffer.from('signing-SECRET-9999-key').toString('base64')}`;
  const webhook = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    description: 'Sends fleet events to ops',
    type: 'WEBHOOK',
    direction: 'OUTBOUND',
    auth: { type: 'BEARER_TOKEN', token: 'tok-SECRET-4242' },
    connection: { url: 'https://hooks.example.com/in', secret: SIGNING_SECRET },
    tags: { team: 'ops', env: 'prod' },
    ...extra,
  });

  beforeAll(async () => {
    sut = await SystemUnderTest.start();
    http = sut.api();
    if (sut.mode === 'distributed') {
      nc = await connect({ servers: sut.natsUrl });
      const sub = nc.subscribe('integration.>');
      void (async () => {
        for await (const m of sub) events.push({ subject: m.subject, msgId: m.headers?.get('Nats-Msg-Id'), body: JSON.parse(new TextDecoder().decode(m.data)) });
      })();
    }
  }, 120000);

  afterAll(async () => {
    await nc?.close();
    await sut?.stop();
  }, 60000);

  it('creates an integration with the seed defaults, status CONFIGURING and masked secrets', async () => {
    const res = await http.post('/api/v1/integrations', webhook('ops-hook'));
    expect(res.status).toBe(201);
    const b = res.body;
    expect(b.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.status).toBe('CONFIGURING');
    expect(Date.parse(b.created_at)).not.toBeNaN();
    expect(b.updated_at).toBe(b.created_at);
    // defaults exactly those of the seed's dataclasses
    expect(b).toMatchObject({ version: '1.0.0', timeout_seconds: 30, rate_limit_per_minute: 60, enabled: true, metadata: {} });
    expect(b.health_check).toEqual({ enabled: true, interval_seconds: 300, timeout_seconds: 30, failure_threshold: 3, success_threshold: 1, endpoint: null, method: 'GET', expected_status_code: 200, body: null, headers: {} });
    expect(b.retry).toEqual({ enabled: true, max_attempts: 3, initial_backoff_seconds: 1, max_backoff_seconds: 60, backoff_multiplier: 2, retry_on_status_codes: [429, 500, 502, 503, 504] });
    expect(b.auth).toEqual({ type: 'BEARER_TOKEN', token: '********' });
    expect(b.connection).toEqual({ url: 'https://hooks.example.com/in', secret: '********' });

    const got = await http.get(`/api/v1/integrations/${b.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(b);
  });

  it('refuses a duplicate name (case-insensitive) with 409 problem+json', async () => {
    const res = await http.post('/api/v1/integrations', webhook('OPS-HOOK'));
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 409, code: 'INTEGRATION_NAME_TAKEN', instance: '/api/v1/integrations' });
  });

  it('logs a failed statement without its parameters or row values', async () => {
    const canary = `row-value-CANARY-${Date.now().toString(36)}`;
    const first = await http.post('/api/v1/integrations', webhook(`dup-${canary}`, { description: canary }));
    expect(first.status).toBe(201);
    // the unique index on lower(name) refuses the second row inside PostgreSQL
    expect((await http.post('/api/v1/integrations', webhook(`DUP-${canary}`, { description: canary }))).status).toBe(409);
    const log = sut.logOf(sut.mode === 'standalone' ? 'standalone' : 'integration-service');
    expect(log).toContain('duplicate key value violates unique constraint');
    for (const leak of [canary.toLowerCase(), canary, 'PARAMETERS', 'Failing row contains', 'Key (lower']) expect(log.includes(leak) ? leak : 'absent').toBe('absent');
    // every line the process wrote is one JSON object of the project's logger
    const stray = log.split('\n').filter((l) => l.trim() && !l.startsWith('{'));
    expect(stray).toEqual([]);
  });

  it('names every bad field in a 400 and creates nothing', async () => {
    const before = (await http.get('/api/v1/integrations')).body.total;
    const res = await http.post('/api/v1/integrations', {
      ...webhook('bad-one'),
      type: 'SMOKE_SIGNAL',
      direction: 'SIDEWAYS',
      timeout_seconds: -5,
      surprise: true,
      retry: { max_attempts: 0 },
      auth: { type: 'MAGIC' },
      health_check: { endpoint: 'not a url' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['auth.type', 'direction', 'health_check.endpoint', 'retry.max_attempts', 'surprise', 'timeout_seconds', 'type']));
    expect(res.body.correlation_id).toBeTruthy();
    expect((await http.get('/api/v1/integrations')).body.total).toBe(before);
  });

  it.each([
    ['a JSON array', '[]'],
    ['malformed JSON', '{"name":'],
    ['a string', '"hello"'],
    ['null', 'null'],
  ])('answers %s with a 400 problem', async (_what, raw) => {
    const res = await http.raw('POST', '/api/v1/integrations', raw, { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.type).toMatch(/^https:\/\//);
  });

  it('answers a body over the limit with 413, then closes the connection, while the client is still uploading', async () => {
    // A plain socket keeps what the server wrote however the upload ends (node:http lost the answer on EPIPE).
    const body = JSON.stringify({ ...webhook('huge'), metadata: { blob: 'x'.repeat(2 * 1024 * 1024) } });
    const res = await rawRequest(sut.baseUrl, { method: 'POST', path: '/api/v1/integrations', headers: { 'content-type': 'application/json' }, body, timeoutMs: 10000 });
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(res.json.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await http.get('/api/v1/integrations?q=huge')).body.total).toBe(0);
  });

  it('answers a malformed id with 400 and an unknown one with 404', async () => {
    const bad = await http.get('/api/v1/integrations/123');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'id', message: 'must be a UUID' }]);
    const missing = await http.get('/api/v1/integrations/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('INTEGRATION_NOT_FOUND');
  });

  it('lists with filters, cursor paging and page paging', async () => {
    const names = ['list-sqs-a', 'list-sqs-b', 'list-sqs-c'];
    for (const n of names) {
      const r = await http.post('/api/v1/integrations', { name: n, description: '', type: 'MESSAGE_QUEUE', direction: 'INBOUND', connection: { queue_url: `https://sqs.us-east-1.amazonaws.com/123456789012/${n}`, region: 'us-east-1' }, tags: { team: 'data', tier: n.endsWith('c') ? 'gold' : 'silver' } });
      expect(r.status).toBe(201);
    }
    await http.post('/api/v1/integrations', { name: 'list-disabled', description: '', type: 'FILE', direction: 'OUTBOUND', enabled: false, connection: { path: 'events.jsonl' } });

    const byType = await http.get('/api/v1/integrations?type=MESSAGE_QUEUE');
    expect(byType.body.items.map((i: any) => i.name).sort()).toEqual(names);
    expect(byType.body.total).toBe(3);

    const byTags = await http.get('/api/v1/integrations?tag=team:data&tag=tier:gold');
    expect(byTags.body.items.map((i: any) => i.name)).toEqual(['list-sqs-c']);

    const byQ = await http.get('/api/v1/integrations?q=SQS-B');
    expect(byQ.body.items.map((i: any) => i.name)).toEqual(['list-sqs-b']);

    const likeIsLiteral = await http.get('/api/v1/integrations?q=%25');
    expect(likeIsLiteral.body.total).toBe(0);

    const disabled = await http.get('/api/v1/integrations?enabled=false');
    expect(disabled.body.items.map((i: any) => i.name)).toEqual(['list-disabled']);

    const inbound = await http.get('/api/v1/integrations?direction=INBOUND&status=CONFIGURING');
    expect(inbound.body.total).toBe(3);

    // cursor paging walks every item exactly once
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await http.get(`/api/v1/integrations?type=MESSAGE_QUEUE&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i: any) => i.name));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen.sort()).toEqual(names);

    const page2 = await http.get('/api/v1/integrations?type=MESSAGE_QUEUE&limit=2&page=2');
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.page).toBe(2);

    const badFilter = await http.get('/api/v1/integrations?type=PIGEON&limit=0&tag=nocolon');
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.errors.map((e: any) => e.field).sort()).toEqual(['limit', 'tag', 'type']);

    const badCursor = await http.get('/api/v1/integrations?cursor=garbage');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.code).toBe('INTEGRATION_INVALID_CURSOR');
  });

  it('updates with a full validated PUT; a masked secret keeps its stored value', async () => {
    const created = (await http.post('/api/v1/integrations', webhook('to-update'))).body;
    const put = await http.put(`/api/v1/integrations/${created.id}`, {
      ...webhook('to-update-renamed'),
      auth: { type: 'BEARER_TOKEN', token: '********' },
      timeout_seconds: 45,
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: created.id, name: 'to-update-renamed', timeout_seconds: 45, created_at: created.created_at });
    expect(put.body.auth.token).toBe('********');
    expect(Date.parse(put.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(created.updated_at));

    const invalid = await http.put(`/api/v1/integrations/${created.id}`, { ...webhook('to-update-renamed'), rate_limit_per_minute: 0 });
    expect(invalid.status).toBe(400);
    expect((await http.get(`/api/v1/integrations/${created.id}`)).body.rate_limit_per_minute).toBe(60);

    const maskWithoutSecret = await http.put(`/api/v1/integrations/${created.id}`, { ...webhook('to-update-renamed'), auth: { type: 'BASIC', username: 'u', password: '********' } });
    expect(maskWithoutSecret.status).toBe(400);
    expect(maskWithoutSecret.body.errors[0].field).toBe('auth.password');

    const missing = await http.put('/api/v1/integrations/00000000-0000-4000-8000-000000000000', webhook('ghost'));
    expect(missing.status).toBe(404);

    const clash = await http.put(`/api/v1/integrations/${created.id}`, webhook('ops-hook'));
    expect(clash.status).toBe(409);
  });

  it('lands every one of concurrent merge patches of different fields: none is computed from a stale read', async () => {
    const created = (await http.post('/api/v1/integrations', webhook('patched-at-once'))).body;
    const keys = ['a', 'b', 'c', 'd'];
    const patched = await Promise.all(keys.map((k) => http.raw('PATCH', `/api/v1/integrations/${created.id}`, JSON.stringify({ tags: { [k]: k.toUpperCase() } }), { 'content-type': 'application/merge-patch+json' })));
    expect(patched.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const after = (await http.get(`/api/v1/integrations/${created.id}`)).body;
    expect(after.tags).toMatchObject({ a: 'A', b: 'B', c: 'C', d: 'D' });
    // Each replacement moved updated_at forward, so a precondition on it never matches two versions.
    expect(new Set(patched.map((r) => r.body.updated_at)).size).toBe(keys.length);
  });

  it('deletes with 204, then 404', async () => {
    const created = (await http.post('/api/v1/integrations', webhook('to-delete'))).body;
    const del = await http.delete(`/api/v1/integrations/${created.id}`);
    expect(del.status).toBe(204);
    expect((await http.get(`/api/v1/integrations/${created.id}`)).status).toBe(404);
    expect((await http.delete(`/api/v1/integrations/${created.id}`)).status).toBe(404);
  });

  it('carries the correlation id from the request into the response and the service logs', async () => {
    const cid = `e2e-${Date.now()}`;
    const res = await http.post('/api/v1/integrations', webhook('correlated'), { 'x-correlation-id': cid });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-correlation-id')).toBe(cid);
    // the line is written when the response has gone out: give the writer a moment
    const findLine = () => sut.logOf(sut.mode === 'standalone' ? 'standalone' : 'gateway').split('\n').find((l) => l.includes(cid) && l.includes('"request"'));
    await waitFor(() => findLine() !== undefined, 3000, 20, 'the request log line').catch(() => undefined);
    const line = findLine();
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ method: 'POST', path: '/api/v1/integrations', status: 201, correlation_id: cid });
    expect(typeof JSON.parse(line!).duration_ms).toBe('number');
  });

  it('never writes a secret value to any log', async () => {
    const logs = sut.allLogs();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain('tok-SECRET-4242');
    expect(logs).not.toContain(SIGNING_SECRET);
  });

  it('serves Swagger UI, the OpenAPI document, metrics and the system view', async () => {
    const ui = await fetch(`${sut.baseUrl}/api/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
    const doc = (await http.get('/api/docs-json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/integrations', '/api/v1/integrations/{id}']));
    expect(doc.components.schemas.IntegrationConfigDto.properties.retry).toBeDefined();
    expect(doc.paths['/api/v1/integrations'].post.responses['400']).toBeDefined();

    const metrics = await (await fetch(`${sut.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/http_requests_total\{app="gateway",method="POST",route="\/api\/v1\/integrations",status="201"\} \d+/);
    const serviceMetrics = await (await fetch(`${sut.urlOf('integration-service')}/metrics`)).text();
    expect(serviceMetrics).toMatch(/message_handler_total\{app="integration-service",subject="rpc.integration.create",outcome="ok"\} \d+/);

    const system = await http.get('/api/v1/system/health');
    expect(system.status).toBe(200);
    expect(system.body.missing).toEqual([]);
    expect(system.body.instances.map((i: any) => i.app).sort()).toEqual(['fleet-service', 'gateway', 'health-monitor', 'integration-service']);
    expect(system.body.instances.every((i: any) => i.ready)).toBe(true);
  });

  if ((process.env.E2E_MODE ?? 'standalone') === 'distributed') {
    it('publishes integration.created/updated/deleted as CloudEvents on NATS, without secrets', async () => {
      events.length = 0;
      const created = (await http.post('/api/v1/integrations', webhook('evented'))).body;
      await http.put(`/api/v1/integrations/${created.id}`, { ...webhook('evented'), description: 'changed' });
      await http.delete(`/api/v1/integrations/${created.id}`);
      const deadline = Date.now() + 5000;
      while (events.filter((e) => e.body.subject === created.id).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const mine = events.filter((e) => e.body.subject === created.id);
      expect(mine.map((e) => e.subject)).toEqual(['integration.created', 'integration.updated', 'integration.deleted']);
      for (const e of mine) {
        expect(e.body).toMatchObject({ specversion: '1.0', source: '/aws-mcp-server/integration-service', type: e.subject, datacontenttype: 'application/json' });
        expect(e.msgId).toBe(e.body.id);
        expect(JSON.stringify(e.body)).not.toMatch(/SECRET|\*\*\*\*/);
      }
      expect(mine[1].body.data.changed_fields).toEqual(['description']);
      expect(mine[2].body.data).toEqual({ id: created.id, name: 'evented', type: 'WEBHOOK' });
    });

    it('stores secrets only sealed, in its own schema', async () => {
      const created = (await http.post('/api/v1/integrations', webhook('sealed'))).body;
      const db = new Client({ connectionString: sut.databaseUrl() });
      await db.connect();
      try {
        const { rows } = await db.query('SELECT auth, connection, secrets FROM integration.integrations WHERE id = $1', [created.id]);
        expect(rows[0].auth).toEqual({ type: 'BEARER_TOKEN' });
        expect(rows[0].connection).toEqual({ url: 'https://hooks.example.com/in' });
        expect(rows[0].secrets).toMatch(/^v1\./);
        expect(rows[0].secrets).not.toContain('SECRET');
      } finally {
        await db.end();
      }
    });
  }
});
