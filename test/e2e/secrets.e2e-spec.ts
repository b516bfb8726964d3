import { createHmac, randomBytes } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { SystemUnderTest, waitFor, WebhookSink } from '@app/testing';

const MODE = (process.env.E2E_MODE ?? 'standalone') as 'standalone' | 'distributed';
const MASK = '********';

/** A delivery's Standard Webhooks signatures, each checked against a secret by an independent HMAC. */
function signaturesOf(got: { headers: IncomingHttpHeaders; raw: string }) {
  const sigs = String(got.headers['webhook-signature'] ?? '').split(' ').filter(Boolean);
  const signs = (secret: string) => {
    const mac = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${got.headers['webhook-id']}.${got.headers['webhook-timestamp']}.${got.raw}`).digest('base64');
    return sigs.includes(`v1,${mac}`);
  };
  return { count: sigs.length, signs };
}
const run = Date.now().toString(36);
/** A canary per credential shape: none may appear in any response, event, log line or audit record. */
const C = (shape: string) => `cnry-${shape}-${run}`;
const whsecKey = randomBytes(24);
const WHSEC = `whsec_${whsecKey.toString('base64')}`;
const WHSEC_OLD = `whsec_${randomBytes(24).toString('base64')}`;

const PROTO = `
syntax = "proto3";
package e2e.v1;
message NotifyRequest { string id = 1; }
message NotifyReply { bool accepted = 1; }
service Notifier { rpc Notify(NotifyRequest) returns (NotifyReply); }
`;

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Records every request (method, path, headers, body) and answers 200. */
async function startRecorder(): Promise<{ server: Server; url: (path: string, userInfo?: string) => string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return { server, seen, url: (path, userInfo) => `http://${userInfo ? `${userInfo}@` : ''}127.0.0.1:${port}${path}` };
}

/** Every event the gateway's SSE stream replays from the start, as text. */
async function replayedEvents(sut: SystemUnderTest, key: string, ms = 2500): Promise<string> {
  const ctl = new AbortController();
  const res = await fetch(`${sut.baseUrl}/api/v1/events/stream?subjects=integration.>`, { headers: { 'x-api-key': key, 'last-event-id': '0', accept: 'text/event-stream' }, signal: ctl.signal });
  expect(res.status).toBe(200);
  let text = '';
  const reader = res.body!.getReader();
  const timer = setTimeout(() => ctl.abort(), ms);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
  } catch {
    // aborted: the replay is what we wanted
  } finally {
    clearTimeout(timer);
  }
  return text;
}

describe(`Secrets in every shape (${MODE})`, () => {
  let sut: SystemUnderTest;
  let admin: ReturnType<SystemUnderTest['api']>;
  let viewer: ReturnType<SystemUnderTest['api']>;
  let operator: ReturnType<SystemUnderTest['api']>;
  let rec: Awaited<ReturnType<typeof startRecorder>>;
  let sink: WebhookSink;
  const created: string[] = [];

  beforeAll(async () => {
    rec = await startRecorder();
    sink = await WebhookSink.start();
    sut = await SystemUnderTest.start(MODE, { env: { MCP_INTEGRATIONS_ALLOW_OUTBOUND: '127.0.0.0/8' } });
    admin = sut.api('admin');
    viewer = sut.api('viewer');
    operator = sut.api('operator');
  }, 120000);

  afterAll(async () => {
    await sut?.stop();
    await sink?.stop();
    await new Promise<void>((r) => (rec ? rec.server.close(() => r()) : r()));
  }, 60000);

  const create = async (name: string, cfg: Record<string, unknown>) => {
    const res = await admin.post('/api/v1/integrations', { name: `${name}-${run}`, description: `secrets e2e ${name}`, ...cfg });
    expect({ name, status: res.status, body: res.status === 201 ? undefined : res.body }).toEqual({ name, status: 201, body: undefined });
    created.push(res.body.id);
    return res.body;
  };
  const withoutUpdatedAt = ({ updated_at: _u, ...rest }: Record<string, unknown>) => rest;

  it("takes each type's GET body back on PUT unchanged, and keeps its secrets", async () => {
    const awsAuth = { type: 'AWS_SIG_V4', access_key_id: 'AKIDSECRETS', secret_access_key: C('aws'), service: 'sqs', region: 'us-east-1' };
    const fixtures: Record<string, Record<string, unknown>> = {
      webhook: { type: 'WEBHOOK', direction: 'BIDIRECTIONAL', auth: { type: 'BEARER_TOKEN', token: C('bearer') }, connection: { url: rec.url('/wh'), secret: WHSEC, secrets: [WHSEC_OLD] } },
      rest: { type: 'REST_API', direction: 'OUTBOUND', auth: { type: 'API_KEY', api_key: C('apikey'), in: 'header', name: 'X-Key' }, connection: { method: 'POST', url: rec.url('/rest') } },
      graphql: { type: 'GRAPHQL', direction: 'OUTBOUND', auth: { type: 'OAUTH2', client_id: 'cid', client_secret: C('oauth'), token_url: rec.url('/token') }, connection: { url: rec.url('/gql'), query: 'mutation { ping }' } },
      grpc: { type: 'GRPC', direction: 'OUTBOUND', auth: { type: 'BEARER_TOKEN', token: C('grpc') }, connection: { proto: PROTO, service: 'e2e.v1.Notifier', method: 'Notify', address: '127.0.0.1:50999' } },
      nats: { type: 'EVENT_BUS', direction: 'OUTBOUND', auth: { type: 'BASIC', username: 'u', password: C('nats') }, connection: { provider: 'nats', servers: ['nats://127.0.0.1:4999'], subject: 'secrets.e2e' } },
      eventbridge: { type: 'EVENT_BUS', direction: 'OUTBOUND', auth: { ...awsAuth, service: 'events' }, connection: { provider: 'eventbridge', region: 'us-east-1', source: 'secrets.e2e', detail_type: 'x' } },
      sqs: { type: 'MESSAGE_QUEUE', direction: 'OUTBOUND', auth: awsAuth, connection: { queue_url: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', region: 'us-east-1' } },
      database: { type: 'DATABASE', direction: 'OUTBOUND', auth: { type: 'BASIC', username: 'postgres', password: C('db') }, connection: { host: '127.0.0.1', port: 5432, database: 'x', table: 't' } },
      file: { type: 'FILE', direction: 'OUTBOUND', connection: { path: 'secrets/out.jsonl' } },
    };
    for (const [name, cfg] of Object.entries(fixtures)) {
      const { id } = await create(`putback-${name}`, cfg);
      const got = (await admin.get(`/api/v1/integrations/${id}`)).body;
      const put = await admin.put(`/api/v1/integrations/${id}`, got);
      expect({ name, status: put.status, body: put.status === 200 ? undefined : put.body }).toEqual({ name, status: 200, body: undefined });
      expect({ name, after: withoutUpdatedAt((await admin.get(`/api/v1/integrations/${id}`)).body) }).toEqual({ name, after: withoutUpdatedAt(got) });
    }
    // The webhook still signs with the secret it was created with, not with the mask.
    const webhookId = created[0];
    const tested = await admin.post(`/api/v1/integrations/${webhookId}/test`, { send_test_event: true });
    expect(tested.body).toMatchObject({ healthy: true, test_event_sent: true });
    const sent = rec.seen.filter((s) => s.method === 'POST' && s.url === '/wh').pop()!;
    const mac = createHmac('sha256', whsecKey).update(`${sent.headers['webhook-id']}.${sent.headers['webhook-timestamp']}.${sent.body}`).digest('base64');
    expect(String(sent.headers['webhook-signature']).split(' ')).toContain(`v1,${mac}`);
    expect(sent.headers.authorization).toBe(`Bearer ${C('bearer')}`);

    // A body that names another integration, or a masked URL password with another host, is refused and changes nothing.
    const got = (await admin.get(`/api/v1/integrations/${webhookId}`)).body;
    const other = await admin.put(`/api/v1/integrations/${webhookId}`, { ...got, id: created[1] });
    expect(other.status).toBe(400);
    expect(other.body.errors).toEqual([expect.objectContaining({ field: 'id' })]);
  });

  it('keeps a credential of every shape out of every response, event, SSE message, log line and audit record, and the mask keeps each', async () => {
    const cfg = {
      type: 'WEBHOOK',
      direction: 'OUTBOUND',
      connection: {
        url: rec.url('/canary', `hook:${C('url-userinfo')}`),
        secret: WHSEC,
        headers: { Authorization: C('hdr-authorization'), 'Proxy-Authorization': C('hdr-proxy'), 'X-Api-Key': C('hdr-xapikey'), Cookie: `session=${C('hdr-cookie')}`, 'X-Trace': 'visible' },
        apiKey: C('camel-apiKey'),
        clientSecret: C('camel-clientSecret'),
        accessToken: C('camel-accessToken'),
      },
      health_check: {
        endpoint: rec.url('/canary-health', `probe:${C('hc-userinfo')}`),
        headers: { authorization: C('hc-authorization'), 'x-api-key': C('hc-xapikey'), accept: 'application/json' },
        interval_seconds: 3600,
      },
      metadata: { owner: 'ops', apiToken: C('meta-apiToken'), nested: { password: C('meta-password') } },
    };
    const first = await create('canary', cfg);
    const id: string = first.id;
    const shown = [first, (await admin.get(`/api/v1/integrations/${id}`)).body, (await viewer.get(`/api/v1/integrations/${id}`)).body];
    for (const body of shown) {
      expect(JSON.stringify(body)).not.toContain('cnry-');
      expect(body.connection).toMatchObject({ headers: { Authorization: MASK, 'Proxy-Authorization': MASK, 'X-Api-Key': MASK, Cookie: MASK, 'X-Trace': 'visible' }, apiKey: MASK, clientSecret: MASK, accessToken: MASK, url: rec.url('/canary', `hook:${MASK}`) });
      expect(body.health_check).toMatchObject({ endpoint: rec.url('/canary-health', `probe:${MASK}`), headers: { authorization: MASK, 'x-api-key': MASK, accept: 'application/json' } });
      expect(body.metadata).toEqual({ owner: 'ops', apiToken: MASK, nested: { password: MASK } });
    }
    expect(JSON.stringify((await viewer.get('/api/v1/integrations?limit=500')).body)).not.toContain('cnry-');

    // The GET body back: every credential kept, and used. The test judges the health endpoint with its headers, then sends the event with the connection's.
    const back = await admin.put(`/api/v1/integrations/${id}`, shown[1]);
    expect(back.status).toBe(200);
    expect(JSON.stringify(back.body)).not.toContain('cnry-');
    const seenBefore = rec.seen.length;
    expect((await admin.post(`/api/v1/integrations/${id}/test`, { send_test_event: true })).body).toMatchObject({ healthy: true, test_event_sent: true });
    const calls = rec.seen.slice(seenBefore);
    expect(calls.find((s) => s.url === '/canary-health')?.headers).toMatchObject({ authorization: C('hc-authorization'), 'x-api-key': C('hc-xapikey') });
    expect(calls.find((s) => s.method === 'POST' && s.url === '/canary')?.headers).toMatchObject({ authorization: C('hdr-authorization'), 'proxy-authorization': C('hdr-proxy'), 'x-api-key': C('hdr-xapikey'), cookie: `session=${C('hdr-cookie')}` });

    // The masked URL password goes with that URL only.
    const moved = await admin.put(`/api/v1/integrations/${id}`, { ...shown[1], connection: { ...shown[1].connection, url: `http://hook:${MASK}@127.0.0.2:9/elsewhere` } });
    expect(moved.status).toBe(400);
    expect(moved.body.errors).toEqual([expect.objectContaining({ field: 'connection.url' })]);

    // A JSON Merge Patch changes what it names; the credentials it does not name stay as stored.
    const patched = await admin.raw('PATCH', `/api/v1/integrations/${id}`, JSON.stringify({ timeout_seconds: 45, connection: { headers: { 'X-Trace': null } } }), { 'content-type': 'application/merge-patch+json' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ timeout_seconds: 45, connection: { headers: { Authorization: MASK, 'X-Api-Key': MASK } } });
    expect(patched.body.connection.headers['X-Trace']).toBeUndefined();
    const patchedBefore = rec.seen.length;
    expect((await admin.post(`/api/v1/integrations/${id}/test`, { send_test_event: true })).body).toMatchObject({ healthy: true });
    expect(rec.seen.slice(patchedBefore).find((r) => r.method === 'POST' && r.url === '/canary')?.headers).toMatchObject({ authorization: C('hdr-authorization') });
    expect((await admin.raw('PATCH', `/api/v1/integrations/${id}`, JSON.stringify({ timeout_seconds: 0 }), { 'content-type': 'application/json' })).status).toBe(400);
    expect((await viewer.raw('PATCH', `/api/v1/integrations/${id}`, JSON.stringify({ timeout_seconds: 50 }), { 'content-type': 'application/json' })).status).toBe(403);

    const events = await replayedEvents(sut, await sut.keyFor('admin'));
    expect(events).toContain(id);
    expect(events).not.toContain('cnry-');
    await waitFor(async () => (await admin.get(`/api/v1/audit?limit=200`)).body.items.some((a: { path: string }) => a.path === `/api/v1/integrations/${id}/test`), 10000, 200, 'the audit record of the test');
    expect(JSON.stringify((await admin.get('/api/v1/audit?limit=500')).body)).not.toContain('cnry-');
    expect(sut.allLogs()).not.toContain('cnry-');
  });

  it('signs webhooks created without a secret with a generated one that only admins read and rotate, and that is shown nowhere else', async () => {
    const hook = await create('signed', { type: 'WEBHOOK', direction: 'OUTBOUND', connection: { url: `${sink.url}/signed` } });
    const id: string = hook.id;
    expect(hook.connection.secret).toBe(MASK);
    const secretUrl = `/api/v1/integrations/${id}/signing-secret`;

    // Operators and viewers may neither read nor rotate it.
    for (const who of [viewer, operator]) {
      const read = await who.get(secretUrl);
      expect([read.status, read.headers.get('content-type')]).toEqual([403, expect.stringContaining('application/problem+json')]);
      expect((await who.post(`${secretUrl}/rotate`, {})).status).toBe(403);
    }
    const first = await admin.get(secretUrl);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ integration_id: id, secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{32}$/), previous_secret_expires_at: null });
    const secrets: string[] = [first.body.secret];

    /** The signatures of the last delivery to /signed, each checked against a secret by an independent HMAC. */
    const deliverAndVerify = async () => {
      const before = sink.on('/signed').length;
      expect((await admin.post(`/api/v1/integrations/${id}/test`, { send_test_event: true })).body).toMatchObject({ healthy: true, test_event_sent: true });
      return signaturesOf(sink.on('/signed').slice(before).pop()!);
    };
    const signed = await deliverAndVerify();
    expect(signed.count).toBe(1);
    expect(signed.signs(secrets[0])).toBe(true);

    // Rotation: a new key, the old one beside it for the grace period (a second v1 signature).
    const rotated = await admin.post(`${secretUrl}/rotate`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ integration_id: id, secret: expect.stringMatching(/^whsec_/), previous_secret_expires_at: expect.any(String) });
    secrets.push(rotated.body.secret);
    expect(secrets[1]).not.toBe(secrets[0]);
    expect(Date.parse(rotated.body.previous_secret_expires_at) - Date.now()).toBeGreaterThan(86_400_000 - 120_000);
    expect((await admin.get(secretUrl)).body).toEqual(rotated.body);
    const during = await deliverAndVerify();
    expect([during.count, during.signs(secrets[1]), during.signs(secrets[0])]).toEqual([2, true, true]);

    // A GET body PUT back, and a PUT that leaves the secret out, keep it (never unsigned, never a silent new key).
    const got = (await admin.get(`/api/v1/integrations/${id}`)).body;
    expect(got.connection).toMatchObject({ secret: MASK, rotation: { previous_secret: MASK, expires_at: rotated.body.previous_secret_expires_at } });
    expect((await admin.put(`/api/v1/integrations/${id}`, got)).status).toBe(200);
    const { secret: _s, ...withoutSecret } = got.connection;
    expect((await admin.put(`/api/v1/integrations/${id}`, { ...got, connection: withoutSecret })).status).toBe(200);
    expect((await admin.get(secretUrl)).body.secret).toBe(secrets[1]);

    // grace_seconds 0 (after a leak): only the new key signs.
    const now = await admin.post(`${secretUrl}/rotate`, { grace_seconds: 0 });
    expect(now.body).toMatchObject({ secret: expect.stringMatching(/^whsec_/), previous_secret_expires_at: null });
    secrets.push(now.body.secret);
    const after = await deliverAndVerify();
    expect([after.count, after.signs(secrets[2]), after.signs(secrets[1]), after.signs(secrets[0])]).toEqual([1, true, false, false]);

    // Problems: unknown id, another type, a bad grace; nothing changed by them.
    const unknown = await admin.get('/api/v1/integrations/00000000-0000-4000-8000-000000000000/signing-secret');
    expect([unknown.status, unknown.body.code, unknown.headers.get('content-type')]).toEqual([404, 'INTEGRATION_NOT_FOUND', expect.stringContaining('application/problem+json')]);
    const rest = await create('not-a-webhook', { type: 'REST_API', direction: 'OUTBOUND', connection: { method: 'POST', url: `${sink.url}/rest` } });
    for (const res of [await admin.get(`/api/v1/integrations/${rest.id}/signing-secret`), await admin.post(`/api/v1/integrations/${rest.id}/signing-secret/rotate`, {})]) {
      expect([res.status, res.body.code]).toEqual([409, 'INTEGRATION_NOT_WEBHOOK']);
    }
    const badGrace = await admin.post(`${secretUrl}/rotate`, { grace_seconds: 604801 });
    expect([badGrace.status, badGrace.body.errors?.[0]?.field]).toEqual([400, 'grace_seconds']);
    expect((await admin.get(secretUrl)).body.secret).toBe(secrets[2]);

    // An inbound webhook without a secret gets one too: senders sign with what the admin reads.
    const inbound = await create('signed-in', { type: 'WEBHOOK', direction: 'INBOUND', connection: {} });
    expect((await admin.post(`/api/v1/integrations/${inbound.id}/test`, {})).body).toMatchObject({ healthy: true });
    const inSecret: string = (await admin.get(`/api/v1/integrations/${inbound.id}/signing-secret`)).body.secret;
    secrets.push(inSecret);
    const body = JSON.stringify({ hello: 'signed' });
    const ts = Math.floor(Date.now() / 1000);
    const sig = createHmac('sha256', Buffer.from(inSecret.slice('whsec_'.length), 'base64')).update(`in-1.${ts}.${body}`).digest('base64');
    let hooked: Awaited<ReturnType<typeof admin.raw>> | undefined;
    await waitFor(async () => {
      hooked = await sut.anonymous().raw('POST', `/api/v1/hooks/${inbound.id}`, body, { 'content-type': 'application/json', 'webhook-id': 'in-1', 'webhook-timestamp': String(ts), 'webhook-signature': `v1,${sig}` });
      return hooked.status !== 503;
    }, 15000, 100, 'the inbound webhook receiver');
    expect(hooked!.status).toBe(200);

    // The secrets appear in no integration body, list, event, audit record or log line; each read was audited.
    const seen = [
      JSON.stringify((await admin.get(`/api/v1/integrations/${id}`)).body),
      JSON.stringify((await admin.get(`/api/v1/integrations/${inbound.id}`)).body),
      JSON.stringify((await admin.get('/api/v1/integrations?limit=500')).body),
      JSON.stringify((await viewer.get('/api/v1/integrations?limit=500')).body),
      await replayedEvents(sut, await sut.keyFor('admin')),
    ];
    await waitFor(async () => (await admin.get('/api/v1/audit?limit=500')).body.items.filter((a: { path: string }) => a.path === secretUrl).length >= 6, 10000, 200, 'the audit records of the secret reads');
    const audit = (await admin.get('/api/v1/audit?limit=500')).body.items as Array<{ path: string; method: string; outcome: string; role: string | null; status: number }>;
    const reads = audit.filter((a) => a.path === secretUrl && a.method === 'GET');
    expect(reads.filter((a) => a.outcome === 'ok' && a.role === 'admin').length).toBeGreaterThanOrEqual(4);
    expect(reads.filter((a) => a.status === 403).map((a) => a.role).sort()).toEqual(['operator', 'viewer']);
    expect(audit.filter((a) => a.path === `${secretUrl}/rotate` && a.outcome === 'ok')).toHaveLength(2);
    seen.push(JSON.stringify(audit), sut.allLogs());
    for (const secret of secrets) {
      const key = secret.slice('whsec_'.length);
      for (const text of seen) expect(text.includes(key)).toBe(false);
    }
  }, 120000);

  it('chains two rotations made at once: the later keeps the earlier key as its previous one, so no key handed out is lost', async () => {
    const hook = await create('rotated-twice', { type: 'WEBHOOK', direction: 'OUTBOUND', connection: { url: `${sink.url}/twice` } });
    const secretUrl = `/api/v1/integrations/${hook.id}/signing-secret`;
    const original: string = (await admin.get(secretUrl)).body.secret;
    const [a, b] = await Promise.all([admin.post(`${secretUrl}/rotate`, {}), admin.post(`${secretUrl}/rotate`, {})]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const current: string = (await admin.get(secretUrl)).body.secret;
    expect([a.body.secret, b.body.secret]).toContain(current);
    const earlier: string = current === a.body.secret ? b.body.secret : a.body.secret;
    const before = sink.on('/twice').length;
    expect((await admin.post(`/api/v1/integrations/${hook.id}/test`, { send_test_event: true })).body).toMatchObject({ healthy: true, test_event_sent: true });
    const signed = signaturesOf(sink.on('/twice').slice(before).pop()!);
    expect([signed.count, signed.signs(current), signed.signs(earlier), signed.signs(original)]).toEqual([2, true, true, false]);
  });

  it('sends a kept credential to no new destination: re-pointing an integration (host or port) needs its credentials again, the webhook signing key excepted', async () => {
    const { id } = await create('repoint', {
      type: 'WEBHOOK',
      direction: 'OUTBOUND',
      auth: { type: 'BEARER_TOKEN', token: C('repoint-token') },
      connection: { url: rec.url('/repoint'), headers: { 'X-Api-Key': C('repoint-header') } },
    });
    const secret = (await admin.get(`/api/v1/integrations/${id}/signing-secret`)).body.secret;
    const got = (await admin.get(`/api/v1/integrations/${id}`)).body;
    // Another path on the same host: the masks keep the credentials.
    const samePlace = await admin.put(`/api/v1/integrations/${id}`, { ...got, connection: { ...got.connection, url: rec.url('/repoint/v2') } });
    expect(samePlace.status).toBe(200);
    // The same host on another port (another service): refused like another host.
    const otherPort = new URL(rec.url('/repoint/v2'));
    otherPort.port = String(Number(otherPort.port) + 1);
    const portMoved = await admin.put(`/api/v1/integrations/${id}`, { ...samePlace.body, connection: { ...samePlace.body.connection, url: otherPort.href } });
    expect([portMoved.status, portMoved.body.errors?.map((e: { field: string }) => e.field).sort()]).toEqual([400, ['auth.token', 'connection.headers.X-Api-Key']]);
    expect(portMoved.body.detail).toContain(`new destination (http://127.0.0.1:${otherPort.port})`);
    // Another host: refused, naming every kept credential; nothing changed.
    const elsewhere = 'http://127.0.0.2:9/collect';
    const moved = await admin.put(`/api/v1/integrations/${id}`, { ...samePlace.body, connection: { ...samePlace.body.connection, url: elsewhere } });
    expect([moved.status, moved.headers.get('content-type')]).toEqual([400, expect.stringContaining('application/problem+json')]);
    expect(moved.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['auth.token', 'connection.headers.X-Api-Key']);
    const patched = await admin.raw('PATCH', `/api/v1/integrations/${id}`, JSON.stringify({ connection: { url: elsewhere } }), { 'content-type': 'application/merge-patch+json' });
    expect([patched.status, patched.body.errors?.length]).toEqual([400, 2]);
    const probe = await admin.raw('PATCH', `/api/v1/integrations/${id}`, JSON.stringify({ health_check: { endpoint: 'http://127.0.0.3:9/health' } }), { 'content-type': 'application/merge-patch+json' });
    expect(probe.status).toBe(400);
    expect((await admin.get(`/api/v1/integrations/${id}`)).body.connection.url).toBe(rec.url('/repoint/v2'));
    // Given again, they go; the signing key (it only makes HMACs) stays without being re-sent.
    const resent = await admin.put(`/api/v1/integrations/${id}`, {
      ...samePlace.body,
      auth: { type: 'BEARER_TOKEN', token: C('repoint-token') },
      connection: { ...samePlace.body.connection, url: elsewhere, headers: { 'X-Api-Key': C('repoint-header') } },
    });
    expect(resent.status).toBe(200);
    expect(resent.body.connection).toMatchObject({ url: elsewhere, secret: MASK });
    expect((await admin.get(`/api/v1/integrations/${id}/signing-secret`)).body.secret).toBe(secret);
  });
});
