import { AuthConfigDto, createCloudEvent, Direction, IntegrationType } from '@app/contracts';
import { createBuiltInRegistry } from '../../builtin-plugins';
import { InboundMessage } from '../../connector.port';
import { connectorsAgainstPeer } from '../../../../../../test/support/connectors/http-peer';
import { RestApiConnector, RestApiPlugin, SEEN_IDS_LIMIT } from './rest-api.plugin';

describe('REST_API connector against a real API', () => {
  const registry = createBuiltInRegistry();
  const event = createCloudEvent({ type: 'fleet.resource.discovered', source: 'fleet', data: { id: 'i-1/2', state: 'running', count: 2 } });

  const suite = connectorsAgainstPeer<RestApiConnector>(registry, IntegrationType.REST_API, (_req, res) => res.end('{}'));
  const { connector } = suite;

  it('sends the templated method, URL, headers and body, with the integration auth', async () => {
    const c = connector({
      connection: {
        method: 'PUT',
        url: suite.peer.url('/things/{{event.data.id}}?kind={{event.type}}'),
        headers: { 'X-Source': '{{event.source}}' },
        body_template: '{"name":"{{event.data.id}}","count":"{{event.data.count}}","note":"state={{event.data.state}}"}',
      },
      auth: { type: 'API_KEY', api_key: 'k1', in: 'query', name: 'api_key' } as AuthConfigDto,
    });
    const result = await c.send({ deliveryId: 'd-9', attempt: 1, event });
    expect(result).toMatchObject({ ok: true, statusCode: 200 });
    const got = suite.peer.requests[0];
    expect(got.method).toBe('PUT');
    expect(got.url).toBe('/things/i-1%2F2?kind=fleet.resource.discovered&api_key=k1');
    expect(got.headers['x-source']).toBe('fleet');
    expect(got.headers['idempotency-key']).toBe('d-9');
    expect(got.headers['content-type']).toBe('application/json');
    expect(JSON.parse(got.body.toString())).toEqual({ name: 'i-1/2', count: 2, note: 'state=running' });
  });

  it('sends the event as is without a body template, and no body for GET', async () => {
    await connector({ connection: { url: suite.peer.url('/events') } }).send({ deliveryId: 'd-1', attempt: 1, event });
    expect(suite.peer.requests[0].method).toBe('POST');
    expect(JSON.parse(suite.peer.requests[0].body.toString())).toEqual(event);
    await connector({ connection: { method: 'GET', url: suite.peer.url('/ping/{{event.data.state}}') } }).send({ deliveryId: 'd-2', attempt: 1, event });
    expect(suite.peer.requests[1]).toMatchObject({ method: 'GET', url: '/ping/running' });
    expect(suite.peer.requests[1].body.length).toBe(0);
  });

  it('classifies failures and carries Retry-After', async () => {
    suite.peer.on((_req, res) => res.writeHead(503, { 'retry-after': '12' }).end());
    expect(await connector({ connection: { url: suite.peer.url() } }).send({ deliveryId: 'd', attempt: 1, event })).toMatchObject({
      ok: false,
      retryable: true,
      statusCode: 503,
      retryAfterSeconds: 12,
    });
    suite.peer.on((_req, res) => res.writeHead(422).end('{"error":"bad"}'));
    expect(await connector({ connection: { url: suite.peer.url() } }).send({ deliveryId: 'd', attempt: 1, event })).toMatchObject({
      ok: false,
      retryable: false,
      statusCode: 422,
      error: 'HTTP 422: {"error":"bad"}',
    });
  });

  it('polls items at items_path and hands each new id to the handler once', async () => {
    let page = [{ id: 1, v: 'a' }, { id: 2, v: 'b' }];
    suite.peer.on((_req, res) => res.end(JSON.stringify({ data: { items: page } })));
    const c = connector({
      direction: Direction.INBOUND,
      connection: { poll_url: suite.peer.url('/feed'), poll_interval_seconds: 3600, items_path: 'data.items', id_field: 'id' },
      auth: { type: 'BASIC', username: 'u', password: 'p' } as AuthConfigDto,
    });
    const got: InboundMessage[] = [];
    let failOn: string | undefined = '3';
    await c.startListening(async (m) => {
      if (m.id === failOn) throw new Error('handler failed');
      got.push(m);
    });
    // startListening's first poll is queued; pollOnce waits behind it, so both are done after this.
    page = [{ id: 1, v: 'a' }, { id: 2, v: 'b' }];
    await c.pollOnce();
    expect(got.map((m) => m.id)).toEqual(['1', '2']);
    expect(suite.peer.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);

    page = [{ id: 2, v: 'b' }, { id: 3, v: 'c' }, { id: 4, v: 'd' }];
    await expect(c.pollOnce()).rejects.toThrow('handler failed');
    expect(got.map((m) => m.id)).toEqual(['1', '2']);
    failOn = undefined;
    expect(await c.pollOnce()).toBe(2); // 3 was not remembered, so it comes again
    expect(got.map((m) => m.id)).toEqual(['1', '2', '3', '4']);
    expect(got[3].data).toEqual({ id: 4, v: 'd' });
    await c.stopListening();
    expect(await c.pollOnce()).toBe(0);
  });

  it('remembers at most SEEN_IDS_LIMIT ids, forgetting the oldest first', async () => {
    let page: Array<{ id: number }> = [];
    suite.peer.on((_req, res) => res.end(JSON.stringify(page)));
    const c = connector({ direction: Direction.INBOUND, connection: { poll_url: suite.peer.url(), poll_interval_seconds: 3600 } });
    await c.startListening(async () => undefined);
    await c.pollOnce(); // waits for the first, scheduled poll of the empty page
    page = Array.from({ length: SEEN_IDS_LIMIT + 1 }, (_, i) => ({ id: i }));
    expect(await c.pollOnce()).toBe(SEEN_IDS_LIMIT + 1);
    // Id 0 was forgotten to make room; 1 and the newest are still known (and refreshed by this sighting).
    page = [{ id: 1 }, { id: SEEN_IDS_LIMIT }, { id: 0 }];
    expect(await c.pollOnce()).toBe(1);
    // Re-adding 0 pushed out the stalest, id 2, not the refreshed 1.
    page = [{ id: 1 }, { id: 2 }];
    expect(await c.pollOnce()).toBe(1);
  });

  it('reports a poll response without the array', async () => {
    suite.peer.on((_req, res) => res.end('{"data":{}}'));
    const c = connector({ direction: Direction.INBOUND, connection: { poll_url: suite.peer.url(), items_path: 'data.items', poll_interval_seconds: 3600 } });
    await c.startListening(async () => undefined);
    await expect(c.pollOnce()).rejects.toThrow('No array at data.items');
  });

  it('health: HEAD to the origin of the URL template, or GET health_url', async () => {
    suite.peer.on((req, res) => res.writeHead(req.method === 'HEAD' ? 404 : 200).end());
    expect(await connector({ connection: { url: suite.peer.url('/x/{{event.type}}') } }).healthCheck()).toMatchObject({ healthy: true, statusCode: 404 });
    expect(suite.peer.requests[0]).toMatchObject({ method: 'HEAD', url: '/' });
    expect(await connector({ connection: { url: suite.peer.url('/x'), health_url: suite.peer.url('/up') } }).healthCheck()).toMatchObject({ healthy: true });
    expect(suite.peer.requests[1]).toMatchObject({ method: 'GET', url: '/up' });
  });

  it('validates its connection per direction', () => {
    const plugin = new RestApiPlugin(registry);
    expect(plugin.validateConnection({}, Direction.OUTBOUND).map((e) => e.field)).toEqual(['url']);
    expect(plugin.validateConnection({}, Direction.INBOUND).map((e) => e.field)).toEqual(['poll_url']);
    expect(plugin.validateConnection({}, Direction.BIDIRECTIONAL).map((e) => e.field)).toEqual(['url', 'poll_url']);
    expect(
      plugin
        .validateConnection(
          { method: 'FETCH', url: 'https://{{event.data.host}}/x', body_template: '{not json', poll_url: 'https://a.example', poll_interval_seconds: 1 },
          Direction.BIDIRECTIONAL,
        )
        .map((e) => e.field),
    ).toEqual(['method', 'url', 'body_template', 'poll_interval_seconds']);
    expect(plugin.validateConnection({ url: 'https://a.example/{{secrets.x}}' }, Direction.OUTBOUND).map((e) => e.field)).toEqual(['url']);
  });
});
