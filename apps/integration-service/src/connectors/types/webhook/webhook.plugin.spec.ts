import { createHmac } from 'node:crypto';
import { AppException, AuthConfigDto, createCloudEvent, Direction, IntegrationType } from '@app/contracts';
import { createBuiltInRegistry } from '../../builtin-plugins';
import { InboundMessage, OutboundMessage } from '../../connector.port';
import { connectorsAgainstPeer } from '../../../../../../test/support/connectors/http-peer';
import { signStandardWebhook, verifyStandardWebhook } from './standard-webhooks';
import { WebhookConnector, WebhookPlugin } from './webhook.plugin';

const SECRET = 'whsec_' + Buffer.alloc(32, 1).toString('base64');
const NEXT_SECRET = 'whsec_' + Buffer.alloc(32, 2).toString('base64');

describe('WEBHOOK connector against a real receiver', () => {
  const registry = createBuiltInRegistry();
  const event = createCloudEvent({ type: 'fleet.resource.discovered', source: 'fleet-service', data: { id: 'i-123', region: 'eu-west-1' } });
  const message: OutboundMessage = { deliveryId: 'dlv-42', attempt: 1, event };

  const suite = connectorsAgainstPeer<WebhookConnector>(registry, IntegrationType.WEBHOOK, (_req, res) => res.end('ok'));
  const { connector } = suite;

  it('POSTs the CloudEvent signed per Standard Webhooks, verifiable by our verifier and by an independent HMAC', async () => {
    const c = connector({ connection: { url: suite.peer.url('/hooks/in'), secret: SECRET, headers: { 'X-Team': 'ops-{{event.data.region}}' } } });
    await c.initialize();
    const result = await c.send(message);
    expect(result).toMatchObject({ ok: true, statusCode: 200, retryable: false });

    const got = suite.peer.requests[0];
    expect(got.method).toBe('POST');
    expect(got.url).toBe('/hooks/in');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-team']).toBe('ops-eu-west-1');
    expect(got.headers['webhook-id']).toBe('dlv-42');
    expect(JSON.parse(got.body.toString())).toEqual(event);
    const ts = Number(got.headers['webhook-timestamp']);
    expect(verifyStandardWebhook(got.headers, got.body, [SECRET], 300, ts)).toEqual({ ok: true, id: 'dlv-42', timestamp: ts });
    const independent = createHmac('sha256', Buffer.alloc(32, 1)).update(`dlv-42.${ts}.${got.body.toString()}`).digest('base64');
    expect(got.headers['webhook-signature']).toBe(`v1,${independent}`);
  });

  it('signs with every secret while rotating', async () => {
    await connector({ connection: { url: suite.peer.url(), secrets: [SECRET, NEXT_SECRET] } }).send(message);
    const got = suite.peer.requests[0];
    expect(String(got.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const s of [SECRET, NEXT_SECRET]) expect(verifyStandardWebhook(got.headers, got.body, [s], 300, Number(got.headers['webhook-timestamp'])).ok).toBe(true);
  });

  it('signs with the secret a rotation replaced while its grace lasts, and no longer after', async () => {
    const later = new Date(Date.now() + 60_000).toISOString();
    await connector({ connection: { url: suite.peer.url(), secret: NEXT_SECRET, rotation: { previous_secret: SECRET, expires_at: later } } }).send(message);
    await connector({ connection: { url: suite.peer.url(), secret: NEXT_SECRET, rotation: { previous_secret: SECRET, expires_at: new Date(Date.now() - 1000).toISOString() } } }).send(message);
    const [during, after] = suite.peer.requests;
    const ts = Number(during.headers['webhook-timestamp']);
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifyStandardWebhook(during.headers, during.body, [SECRET], 300, ts)).toMatchObject({ ok: true });
    expect(verifyStandardWebhook(during.headers, during.body, [NEXT_SECRET], 300, ts)).toMatchObject({ ok: true });
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifyStandardWebhook(after.headers, after.body, [SECRET], 300, Number(after.headers['webhook-timestamp']))).toMatchObject({ ok: false });
  });

  it('applies the integration auth to the call', async () => {
    await connector({ connection: { url: suite.peer.url() }, auth: { type: 'BEARER_TOKEN', token: 'hook-token' } as AuthConfigDto }).send(message);
    expect(suite.peer.requests[0].headers.authorization).toBe('Bearer hook-token');
    expect(suite.peer.requests[0].headers['webhook-signature']).toBeUndefined();
  });

  it.each([
    [200, true, false],
    [204, true, false],
    [400, false, false],
    [404, false, false],
    [408, false, true],
    [429, false, true],
    [500, false, true],
    [503, false, true],
  ])('classifies HTTP %i as ok=%s retryable=%s', async (status, ok, retryable) => {
    suite.peer.on((_req, res) => res.writeHead(status, status === 429 ? { 'retry-after': '30' } : {}).end('nope'));
    const result = await connector({ connection: { url: suite.peer.url() } }).send(message);
    expect(result).toMatchObject({ ok, retryable, statusCode: status });
    if (status === 429) expect(result.retryAfterSeconds).toBe(30);
    if (!ok) expect(result.error).toBe(`HTTP ${status}: nope`);
  });

  it('classifies a timeout as retryable and an SSRF refusal as not', async () => {
    suite.peer.on(() => undefined);
    const slow = await connector({ connection: { url: suite.peer.url() }, timeoutMs: 200 }).send(message);
    expect(slow).toMatchObject({ ok: false, retryable: true });
    const blocked = await connector({ connection: { url: suite.peer.url() }, outbound: { allow: [] } }).send(message);
    expect(blocked).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/refused/) });
  });

  it('health: GET health_url when set, otherwise any answer below 500 to a HEAD counts as reachable', async () => {
    suite.peer.on((req, res) => res.writeHead(req.url === '/health' ? 200 : req.method === 'HEAD' ? 405 : 500).end());
    expect(await connector({ connection: { url: suite.peer.url('/in'), health_url: suite.peer.url('/health') } }).healthCheck()).toMatchObject({ healthy: true, statusCode: 200 });
    expect(suite.peer.requests[0]).toMatchObject({ method: 'GET', url: '/health' });
    expect(await connector({ connection: { url: suite.peer.url('/in') } }).healthCheck()).toMatchObject({ healthy: true, statusCode: 405 });
    suite.peer.on((_req, res) => res.writeHead(503).end());
    expect(await connector({ connection: { url: suite.peer.url('/in') } }).healthCheck()).toMatchObject({ healthy: false, statusCode: 503 });
  });

  describe('inbound', () => {
    const inbound = () =>
      connector({ direction: Direction.INBOUND, connection: { secrets: [SECRET, NEXT_SECRET], tolerance_seconds: 60 } });
    const signed = (body: string, secret = NEXT_SECRET, ts = Math.floor(Date.now() / 1000)) => ({
      'webhook-id': 'msg-1',
      'webhook-timestamp': String(ts),
      'webhook-signature': signStandardWebhook('msg-1', ts, body, [secret]),
    });

    it('verifies and hands the payload to the handler', async () => {
      const c = inbound();
      const got: InboundMessage[] = [];
      await c.startListening(async (m) => void got.push(m));
      const body = '{"order":7}';
      await c.receive(signed(body), Buffer.from(body));
      expect(got).toEqual([{ id: 'msg-1', data: { order: 7 }, attributes: { 'webhook-timestamp': expect.any(String) } }]);
    });

    it('rejects a bad signature, a stale timestamp, non-JSON and calls while not listening', async () => {
      const c = inbound();
      const handler = jest.fn(async () => undefined);
      const expectCode = async (p: Promise<void>, code: string) => {
        const err = await p.catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AppException);
        expect((err as AppException).code).toBe(code);
      };
      await expectCode(c.receive(signed('{}'), '{}'), 'SERVICE_UNAVAILABLE');
      await c.startListening(handler);
      await expectCode(c.receive(signed('{}', 'whsec_' + Buffer.alloc(32, 9).toString('base64')), '{}'), 'UNAUTHORIZED');
      await expectCode(c.receive(signed('{}'), '{"x":1}'), 'UNAUTHORIZED');
      await expectCode(c.receive(signed('{}', NEXT_SECRET, Math.floor(Date.now() / 1000) - 3600), '{}'), 'UNAUTHORIZED');
      await expectCode(c.receive(signed('not json'), 'not json'), 'BAD_REQUEST');
      expect(handler).not.toHaveBeenCalled();
      await c.stopListening();
      await expectCode(c.receive(signed('{}'), '{}'), 'SERVICE_UNAVAILABLE');
    });
  });

  it('accepts inbound messages signed with the replaced secret during the grace only', async () => {
    const body = '{"n":1}';
    const ts = Math.floor(Date.now() / 1000);
    const headers = { 'webhook-id': 'msg-2', 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook('msg-2', ts, body, [SECRET]) };
    const receiving = (expiresAt: number) => connector({ direction: Direction.INBOUND, connection: { secret: NEXT_SECRET, rotation: { previous_secret: SECRET, expires_at: new Date(expiresAt).toISOString() } } });
    const during = receiving(Date.now() + 60_000);
    await during.startListening(async () => undefined);
    await expect(during.receive(headers, body)).resolves.toBeUndefined();
    const after = receiving(Date.now() - 1000);
    await after.startListening(async () => undefined);
    await expect(after.receive(headers, body)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('validates its connection per direction', () => {
    const plugin = new WebhookPlugin(registry);
    expect(plugin.validateConnection({}, Direction.OUTBOUND)).toEqual([{ field: 'url', message: 'url is required' }]);
    expect(plugin.validateConnection({ url: 'ftp://x' }, Direction.OUTBOUND).map((e) => e.field)).toEqual(['url']);
    expect(plugin.validateConnection({}, Direction.INBOUND).map((e) => e.field)).toEqual(['secret']);
    expect(plugin.validateConnection({ url: 'https://h.example/x', secret: 'whsec_bad', secrets: ['x'] }, Direction.BIDIRECTIONAL).map((e) => e.field)).toEqual([
      'secret',
      'secrets.0',
    ]);
    expect(plugin.validateConnection({ url: 'https://h.example/x', secret: SECRET, headers: { 'bad header': 'v' } }).map((e) => e.field)).toEqual(['headers.bad header']);
    expect(plugin.validateConnection({ url: 'https://h.example/x', secret: SECRET, rotation: 'x' }).map((e) => e.field)).toEqual(['rotation']);
    expect(plugin.validateConnection({ url: 'https://h.example/x', secret: SECRET, rotation: { previous_secret: 'whsec_bad', expires_at: 'soon' } }).map((e) => e.field)).toEqual(['rotation.previous_secret', 'rotation.expires_at']);
    expect(plugin.validateConnection({ url: 'https://h.example/x', headers: { 'Content-Length': '5', Host: 'evil' } }).map((e) => e.field)).toEqual([
      'headers.Content-Length',
      'headers.Host',
    ]);
  });
});
