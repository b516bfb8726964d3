import { randomUUID } from 'node:crypto';
import { connect, headers as natsHeaders, JetStreamClient, NatsConnection } from 'nats';
import { SystemUnderTest, waitFor, WebhookSink } from '@app/testing';

const INBOUND_SECRET = `whsec_${Buffer.from('delivery-e2e-inbound-key').toString('base64')}`;
const MODE = (process.env.E2E_MODE as 'standalone' | 'distributed') ?? 'standalone';
/** Tests that need NATS (fleet events published on JetStream, replicas, SIGKILL) are defined in distributed mode only. */
const distributedIt = (name: string, fn: () => Promise<void>, timeout?: number) => (MODE === 'distributed' ? it(name, fn, timeout) : undefined);

/**
 * Outbound delivery end to end: subscriptions, retries into dead letters, replay, rate limit, circuit breaker,
 * ordering, filters; in distributed mode also two replicas and a fault test with SIGKILLs.
 * Triggers: integration.* events caused through the API (both modes) and, in distributed mode, fleet events
 * published straight on JetStream as CloudEvents.
 */
describe(`Event delivery (${MODE})`, () => {
  let sut: SystemUnderTest;
  let http: ReturnType<SystemUnderTest['api']>;
  let sink: WebhookSink;
  let nc: NatsConnection | undefined;
  let js: JetStreamClient | undefined;
  const busEvents: Array<{ subject: string; body: any }> = [];
  let n = 0;

  beforeAll(async () => {
    sink = await WebhookSink.start();
    sut = await SystemUnderTest.start(MODE, { env: { MCP_INTEGRATIONS_ALLOW_OUTBOUND: '127.0.0.0/8' } });
    http = sut.api();
    if (sut.mode === 'distributed') {
      nc = await connect({ servers: sut.natsUrl });
      js = nc.jetstream();
      const sub = nc.subscribe('integration.>');
      void (async () => {
        for await (const m of sub) busEvents.push({ subject: m.subject, body: JSON.parse(new TextDecoder().decode(m.data)) });
      })();
    }
  }, 120000);

  afterAll(async () => {
    await nc?.close();
    await sut?.stop();
    await sink?.stop();
  }, 60000);

  /** An ACTIVE webhook integration posting to the sink's `path`, subscribed as given. */
  async function subscriber(path: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await http.post('/api/v1/integrations', {
      name: `sub-${path.slice(1)}-${++n}`,
      description: 'delivery test',
      type: 'WEBHOOK',
      direction: 'OUTBOUND',
      connection: { url: `${sink.url}${path}` },
      subscriptions: [{ subjects: ['integration.created'], filters: { tags: { trigger: path.slice(1) } } }],
      retry: { max_attempts: 3, initial_backoff_seconds: 0.05, max_backoff_seconds: 0.2 },
      rate_limit_per_minute: 100000,
      timeout_seconds: 10, // generous: a loaded machine must not turn a slow answer into a retry here
      ...extra,
    });
    expect(res.status).toBe(201);
    const test = await http.post(`/api/v1/integrations/${res.body.id}/test`, {});
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({ healthy: true, status: 'ACTIVE' });
    const got = await http.get(`/api/v1/integrations/${res.body.id}`);
    expect(got.body).toMatchObject({ status: 'ACTIVE' });
    // Intake matches each event against what the stream said before it, and the outbox publishes the activation
    // after the API has answered: fleet events this test publishes on JetStream itself must come after it (with a
    // slow relay they came first and were not for a delivering integration, so nothing was delivered).
    if (sut.mode === 'distributed') {
      await waitFor(() => busEvents.some((e) => e.subject === 'integration.status.changed' && e.body.subject === res.body.id && e.body.data.to === 'ACTIVE'), 10000, 20, 'the activation on the stream');
    }
    return res.body.id;
  }

  /** Causes one `integration.created` event that trigger subscriptions match; returns the created integration's id. */
  async function trigger(tag: string): Promise<string> {
    const res = await http.post('/api/v1/integrations', {
      name: `trigger-${randomUUID().slice(0, 8)}`,
      description: 'causes an event',
      type: 'WEBHOOK',
      direction: 'INBOUND',
      connection: { secret: INBOUND_SECRET },
      tags: { trigger: tag },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  const deliveries = async (id: string, q = '') => (await http.get(`/api/v1/integrations/${id}/deliveries?limit=200${q}`)).body;

  it('validates subscriptions: rpc subjects, bad wildcards and INBOUND integrations are 400s naming the field', async () => {
    const base = { name: `bad-${randomUUID().slice(0, 6)}`, description: 'x', type: 'WEBHOOK', direction: 'OUTBOUND', connection: { url: `${sink.url}/x` } };
    const rpc = await http.post('/api/v1/integrations', { ...base, subscriptions: [{ subjects: ['rpc.integration.get'] }] });
    expect(rpc.status).toBe(400);
    expect(rpc.headers.get('content-type')).toContain('application/problem+json');
    expect(rpc.body.errors.map((e: any) => e.field)).toContain('subscriptions.0.subjects');
    const wildcard = await http.post('/api/v1/integrations', { ...base, subscriptions: [{ subjects: ['fleet.>.x'] }, { subjects: [] }] });
    expect(wildcard.status).toBe(400);
    expect(wildcard.body.errors.map((e: any) => e.field)).toEqual(expect.arrayContaining(['subscriptions.0.subjects', 'subscriptions.1.subjects']));
    const filters = await http.post('/api/v1/integrations', { ...base, subscriptions: [{ subjects: ['fleet.>'], filters: { account_id: 'abc', colour: 'red' } }] });
    expect(filters.status).toBe(400);
    expect(filters.body.errors.map((e: any) => e.field)).toEqual(expect.arrayContaining(['subscriptions.0.filters.account_id', 'subscriptions.0.filters.colour']));
    const inbound = await http.post('/api/v1/integrations', { ...base, direction: 'INBOUND', connection: { secret: INBOUND_SECRET }, subscriptions: [{ subjects: ['fleet.>'] }] });
    expect(inbound.status).toBe(400);
    expect(inbound.body.errors.map((e: any) => e.field)).toContain('subscriptions');
    const ok = await http.post('/api/v1/integrations', { ...base, subscriptions: [{ subjects: ['fleet.resource.*', 'health.>'], filters: { region: 'us-west-2', tags: { env: 'prod' } } }] });
    expect(ok.status).toBe(201);
    expect(ok.body.subscriptions).toEqual([{ subjects: ['fleet.resource.*', 'health.>'], filters: { region: 'us-west-2', tags: { env: 'prod' } } }]);
    expect(ok.body.delivery).toEqual({ parallel: false, order_by: 'INTEGRATION', max_in_flight: 16, circuit_failure_threshold: 5, circuit_cooldown_seconds: 30 });
    const badOrder = await http.post('/api/v1/integrations', { ...base, subscriptions: [{ subjects: ['fleet.>'] }], delivery: { order_by: 'RANDOM' } });
    expect(badOrder.status).toBe(400);
    expect(badOrder.body.errors.map((e: any) => e.field)).toContain('delivery.order_by');
    const bad = await http.get(`/api/v1/integrations/${ok.body.id}/deliveries?status=LOST&cursor=%%%`);
    expect(bad.status).toBe(400);
    const unknown = await http.get(`/api/v1/integrations/${randomUUID()}/deliveries`);
    expect(unknown.status).toBe(404);
    const replayBad = await http.post(`/api/v1/integrations/${ok.body.id}/replay`, { since: 'yesterday' });
    expect(replayBad.status).toBe(400);
    expect(replayBad.body.errors.map((e: any) => e.field)).toContain('since');
  });

  it('delivers matching events once each, in event order, with the delivery id as webhook-id, filtered by tags', async () => {
    const id = await subscriber('/ordered');
    const triggers: string[] = [];
    for (let i = 0; i < 8; i++) triggers.push(await trigger('ordered'));
    await trigger('other'); // filtered out
    await waitFor(() => sink.delivered('/ordered').size >= 8, 20000, 100, '8 deliveries');
    const got = sink.on('/ordered');
    expect(got.map((r) => r.body.data.integration.id)).toEqual(triggers);
    expect(got.every((r) => r.body.type === 'integration.created' && r.webhookId)).toBe(true);
    // Outcomes are written in small batches after the send: wait until every delivery's outcome is stored.
    await waitFor(async () => (await deliveries(id)).items.filter((d: any) => d.status === 'DELIVERED').length === 8, 10000, 100, '8 outcomes stored');
    const page = await deliveries(id);
    expect(page.items).toHaveLength(8);
    const byId = new Map(page.items.map((d: any) => [d.id, d]));
    for (const r of got) {
      const d: any = byId.get(r.webhookId);
      expect(d).toMatchObject({ status: 'DELIVERED', integration_id: id, event_type: 'integration.created', attempts: 1 });
      expect(d.attempt_log).toEqual([expect.objectContaining({ attempt: 1, ok: true, status_code: 200, error: null })]);
    }
  });

  it('ordered by SUBJECT: a failing subject waits for its retries alone, keeps its own order, and shows as backlog in the API and /metrics', async () => {
    let failing = '';
    sink.behave('/keyed', ({ body }) => (body?.subject === failing ? 503 : 200));
    const id = await subscriber('/keyed', {
      subscriptions: [{ subjects: ['integration.created', 'integration.updated'], filters: { tags: { trigger: 'keyed' } } }],
      retry: { max_attempts: 50, initial_backoff_seconds: 0.3, max_backoff_seconds: 0.6 },
      delivery: { order_by: 'SUBJECT', max_in_flight: 8, circuit_failure_threshold: 1000 },
    });
    const bodyOf = (description: string) => ({ name: `keyed-${id.slice(0, 8)}`, description, type: 'WEBHOOK', direction: 'INBOUND', connection: { secret: INBOUND_SECRET }, tags: { trigger: 'keyed' } });
    const created = await http.post('/api/v1/integrations', bodyOf('first'));
    expect(created.status).toBe(201);
    const a: string = created.body.id;
    failing = a; // every delivery about `a` fails until released
    await waitFor(() => sink.on('/keyed').filter((r) => r.body.subject === a).length >= 2, 20000, 50, "a's first delivery failing and retried");
    expect((await http.put(`/api/v1/integrations/${a}`, bodyOf('second'))).status).toBe(200); // integration.updated about `a`
    const others: string[] = [];
    for (let i = 0; i < 3; i++) others.push(await trigger('keyed'));
    // The other subjects go out while `a` is still being retried (ordered by INTEGRATION they would wait behind it).
    await waitFor(() => others.every((o) => sink.on('/keyed').some((r) => r.body.subject === o && r.status === 200)), 20000, 50, 'the other subjects delivered');
    expect(sink.on('/keyed').filter((r) => r.body.subject === a).every((r) => r.status === 503 && r.body.type === 'integration.created')).toBe(true);
    // Outcomes are recorded a moment after the sends: then only `a`'s two deliveries are owed.
    await waitFor(async () => (await deliveries(id)).backlog.size === 2, 10000, 100, "a backlog of a's two deliveries");
    const page = await deliveries(id);
    const aCreated = page.items.find((d: any) => d.event_type === 'integration.created' && d.status !== 'DELIVERED');
    expect(aCreated).toBeDefined();
    expect(page.backlog.oldest_created_at).toBe(aCreated.created_at);
    expect(page.backlog.retrying + (aCreated.status === 'IN_FLIGHT' ? 1 : 0)).toBeGreaterThanOrEqual(1);
    expect(page.backlog.oldest_age_seconds).toBeGreaterThan(0);
    const metrics = await (await fetch(`${sut.urlOf('integration-service')}/metrics`)).text();
    expect(Number(new RegExp(`^delivery_backlog\\{integration_id="${id}"\\} (\\d+)`, 'm').exec(metrics)?.[1])).toBe(2);
    expect(Number(new RegExp(`^delivery_backlog_oldest_seconds\\{integration_id="${id}"\\} ([\\d.]+)`, 'm').exec(metrics)?.[1])).toBeGreaterThan(0);

    failing = '';
    await waitFor(() => sink.on('/keyed').filter((r) => r.body.subject === a && r.status === 200).length === 2, 20000, 50, "a's two events");
    // `a`'s own order held: created before updated, and updated was never sent while created was not delivered.
    const aTypes = sink.on('/keyed').filter((r) => r.body.subject === a).map((r) => `${r.body.type}:${r.status}`);
    expect(aTypes.slice(-2)).toEqual(['integration.created:200', 'integration.updated:200']);
    expect(aTypes.slice(0, -2).every((t) => t === 'integration.created:503')).toBe(true);
    await waitFor(async () => (await deliveries(id)).backlog.size === 0, 10000, 100, 'backlog drained');
    expect((await deliveries(id)).backlog).toEqual({ size: 0, retrying: 0, oldest_created_at: null, oldest_age_seconds: 0 });
  });

  it('retries a failing webhook with backoff, dead-letters it, and replays it from the API with the same delivery ids', async () => {
    let failing = true;
    sink.behave('/failing', () => (failing ? 500 : 200));
    const id = await subscriber('/failing', { delivery: { parallel: true, circuit_failure_threshold: 1000 } });
    const since = new Date(Date.now() - 1000).toISOString();
    await trigger('failing');
    await trigger('failing');
    await waitFor(async () => (await deliveries(id, '&status=DEAD')).items.length === 2, 20000, 100, '2 dead letters');
    const dead = (await deliveries(id, '&status=DEAD')).items;
    for (const d of dead) {
      expect(d.attempts).toBe(3);
      expect(d.last_status_code).toBe(500);
      expect(d.last_error).toContain('500');
      expect(d.attempt_log.map((a: any) => a.attempt)).toEqual([1, 2, 3]);
      expect(d.attempt_log.every((a: any) => a.status_code === 500 && !a.ok && a.duration_ms >= 0 && Date.parse(a.started_at) > 0)).toBe(true);
    }
    expect(sink.on('/failing').filter((r) => r.webhookId === dead[0].id)).toHaveLength(3);
    if (sut.mode === 'distributed') {
      await waitFor(() => busEvents.filter((e) => e.subject === 'integration.delivery.failed' && e.body.data.integration_id === id).length === 2, 10000, 100, 'delivery.failed events');
      const ev = busEvents.find((e) => e.subject === 'integration.delivery.failed' && e.body.data.integration_id === id)!;
      expect(ev.body.data).toMatchObject({ attempts: 3, last_status_code: 500, event_type: 'integration.created' });
    }

    failing = false;
    // one of them by hand...
    const retried = await http.post(`/api/v1/integrations/${id}/deliveries/${dead[0].id}/retry`, {});
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id: dead[0].id, status: 'PENDING', attempts: 0 });
    await waitFor(() => sink.delivered('/failing').has(dead[0].id), 10000, 100, 'the retried delivery');
    // ...and everything since a time
    const replay = await http.post(`/api/v1/integrations/${id}/replay`, { since });
    expect(replay.status).toBe(202);
    expect(replay.body.replayed).toBe(2);
    await waitFor(() => sink.delivered('/failing').get(dead[1].id)?.length === 1 && sink.delivered('/failing').get(dead[0].id)?.length === 2, 10000, 100, 'replayed deliveries');
    await waitFor(async () => (await deliveries(id, '&status=DELIVERED')).items.length === 2, 10000, 100, 'both delivered');
    const missing = await http.post(`/api/v1/integrations/${id}/deliveries/${randomUUID()}/retry`, {});
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('DELIVERY_NOT_FOUND');
  });

  it('does not retry a status that is not listed (400 fails at once) and honours Retry-After on 429', async () => {
    sink.behave('/permanent', () => 400);
    const perm = await subscriber('/permanent');
    await trigger('permanent');
    await waitFor(async () => (await deliveries(perm, '&status=DEAD')).items.length === 1, 10000, 100, 'a dead letter');
    expect((await deliveries(perm, '&status=DEAD')).items[0].attempts).toBe(1);

    sink.behave('/busy', ({ n }) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : 200));
    const busy = await subscriber('/busy');
    await trigger('busy');
    await waitFor(() => sink.delivered('/busy').size === 1, 10000, 100, 'the second attempt');
    const [first, second] = sink.on('/busy');
    expect(first.status).toBe(429);
    expect(second.webhookId).toBe(first.webhookId);
    // Retry-After is a floor for the delay: the backoff alone (≤ 0.2 s) would have gone much sooner.
    expect(second.at - first.at).toBeGreaterThanOrEqual(900);
    const d = (await deliveries(busy)).items[0];
    expect(d.attempt_log.map((a: any) => a.status_code)).toEqual([429, 200]);
  });

  it('opens the circuit after consecutive failures, lets one probe through after the cool-down, and closes on success', async () => {
    let down = true;
    sink.behave('/breaker', () => (down ? 503 : 200));
    const id = await subscriber('/breaker', { retry: { max_attempts: 50, initial_backoff_seconds: 0.05, max_backoff_seconds: 0.1 }, delivery: { parallel: false, circuit_failure_threshold: 3, circuit_cooldown_seconds: 2 } });
    await trigger('breaker');
    await trigger('breaker');
    await waitFor(async () => (await http.get(`/api/v1/integrations/${id}/circuit`)).body.state === 'OPEN', 10000, 100, 'OPEN');
    const open = (await http.get(`/api/v1/integrations/${id}/circuit`)).body;
    expect(open).toMatchObject({ integration_id: id, state: 'OPEN' });
    expect(open.consecutive_failures).toBeGreaterThanOrEqual(3);
    expect(Date.parse(open.opened_at)).toBeGreaterThan(0);
    const sentWhenOpened = sink.on('/breaker').length;
    // While open: at most one probe per cool-down, not a hammering retry loop.
    await waitFor(() => sink.on('/breaker').length > sentWhenOpened, 10000, 100, 'a probe');
    expect(sink.on('/breaker').length).toBe(sentWhenOpened + 1);
    down = false;
    await waitFor(async () => (await http.get(`/api/v1/integrations/${id}/circuit`)).body.state === 'CLOSED', 15000, 100, 'CLOSED');
    await waitFor(() => sink.delivered('/breaker').size === 2, 10000, 100, 'both delivered');
    // the second outcome is stored a moment after the sink answered
    await waitFor(async () => (await http.get(`/api/v1/integrations/${id}/circuit`)).body.counts?.DELIVERED === 2, 10000, 100, 'both outcomes stored');
    const closed = (await http.get(`/api/v1/integrations/${id}/circuit`)).body;
    expect(closed.counts).toMatchObject({ DELIVERED: 2, DEAD: 0 });
    if (sut.mode === 'distributed') {
      await waitFor(() => busEvents.filter((e) => e.subject === 'integration.circuit.changed' && e.body.data.integration_id === id).length >= 3, 10000, 100, 'circuit events');
      const moves = busEvents.filter((e) => e.subject === 'integration.circuit.changed' && e.body.data.integration_id === id).map((e) => `${e.body.data.from}>${e.body.data.to}`);
      expect(moves[0]).toBe('CLOSED>OPEN');
      expect(moves).toContain('OPEN>HALF_OPEN');
      expect(moves[moves.length - 1]).toBe('HALF_OPEN>CLOSED');
    }
  });

  /** Publishes a fleet event as fleet-service would (CloudEvent on JetStream, Nats-Msg-Id). */
  async function publishFleet(subject: string, data: unknown, id = randomUUID()): Promise<string> {
    const h = natsHeaders();
    const event = { specversion: '1.0', id, source: '/aws-mcp-server/fleet-service', type: subject, time: new Date().toISOString(), datacontenttype: 'application/json', data };
    await js!.publish(subject, JSON.stringify(event), { msgID: id, headers: h });
    return id;
  }
  const resource = (region: string, type = 'instance', tags: Record<string, string> = {}) => ({ resource: { arn: `arn:aws:ec2:${region}:123456789012:instance/i-${randomUUID().slice(0, 8)}`, account_id: '123456789012', region, service: 'ec2', type, name: 'i', state: 'running', tags }, sync_id: 's' });

  distributedIt('filters fleet events by region, resource type and tags', async () => {
    const id = await subscriber('/fleet', { subscriptions: [{ subjects: ['fleet.resource.*'], filters: { region: 'eu-west-1', resource_type: 'ec2:instance', tags: { env: 'prod' } } }] });
    const wanted = await publishFleet('fleet.resource.discovered', resource('eu-west-1', 'instance', { env: 'prod' }));
    await publishFleet('fleet.resource.discovered', resource('us-east-1', 'instance', { env: 'prod' }));
    await publishFleet('fleet.resource.changed', resource('eu-west-1', 'volume', { env: 'prod' }));
    await publishFleet('fleet.resource.removed', resource('eu-west-1', 'instance', { env: 'dev' }));
    await publishFleet('fleet.account.created', { account: { account_id: '123456789012' } });
    const last = await publishFleet('fleet.resource.changed', resource('eu-west-1', 'instance', { env: 'prod', team: 'x' }));
    await waitFor(() => sink.delivered('/fleet').size === 2, 10000, 100, 'two matching events');
    expect(sink.on('/fleet').map((r) => r.body.id)).toEqual([wanted, last]);
    expect((await deliveries(id)).items).toHaveLength(2);
  });

  it(`holds rate_limit_per_minute${MODE === 'distributed' ? ' across two replicas of integration-service' : ''}`, async () => {
    const replica = sut.mode === 'distributed' ? await sut.spawnReplica('integration-service') : undefined;
    try {
      const id = await subscriber('/limited', { rate_limit_per_minute: 120, delivery: { parallel: true, max_in_flight: 16 } });
      for (let i = 0; i < 8; i++) await trigger('limited');
      await waitFor(() => sink.delivered('/limited').size === 8, 20000, 100, '8 rate-limited deliveries');
      // 120/min = 2 per second with a bucket of 2: any window of T seconds holds at most 2 + 2T sends, whichever
      // replica sends them, so the 8 attempts (their start times, recorded when the token was taken) span at least
      // 3 s. Bounds leave room for a loaded machine delaying single claims; without the limit all 8 go in ~0.1 s.
      const at = (await deliveries(id)).items.map((d: any) => Date.parse(d.attempt_log[0].started_at)).sort((a: number, b: number) => a - b);
      expect(at).toHaveLength(8);
      expect(at[at.length - 1] - at[0]).toBeGreaterThanOrEqual(2000);
      for (let i = 2; i < at.length; i++) expect(at[i] - at[i - 2]).toBeGreaterThanOrEqual(250);
      expect((await http.get(`/api/v1/integrations/${id}/circuit`)).body.counts.DELIVERED).toBe(8);
    } finally {
      if (replica) await sut.stopReplica(replica);
    }
  });

  distributedIt(
    'fault test: 5,000 events while integration-service is SIGKILLed twice and the sink fails 10%: all arrive, duplicates share the webhook-id, none dead',
    async () => {
      let seed = 42;
      const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
      sink.behave('/fault', () => (random() < 0.1 ? 500 : 200));
      const id = await subscriber('/fault', {
        subscriptions: [{ subjects: ['fleet.fault.>'] }],
        retry: { max_attempts: 10, initial_backoff_seconds: 0.05, max_backoff_seconds: 0.5 },
        timeout_seconds: 2,
        delivery: { parallel: true, max_in_flight: 64, circuit_failure_threshold: 50 },
      });
      const ids: string[] = [];
      const started = Date.now();
      const publishSome = async (count: number) => {
        const batch: Promise<unknown>[] = [];
        for (let i = 0; i < count; i++) {
          const eid = randomUUID();
          ids.push(eid);
          batch.push(publishFleet('fleet.fault.tick', { i: ids.length }, eid));
          if (batch.length >= 200) await Promise.all(batch.splice(0));
        }
        await Promise.all(batch);
      };
      await publishSome(2000);
      await waitFor(() => sink.delivered('/fault').size >= 500, 30000, 50, 'deliveries under way');
      await sut.stopApp('integration-service', 'SIGKILL');
      await publishSome(1500);
      await sut.spawnApp('integration-service');
      await waitFor(() => sink.delivered('/fault').size >= 2500, 60000, 50, 'more deliveries');
      await sut.stopApp('integration-service', 'SIGKILL');
      await publishSome(1500);
      await sut.spawnApp('integration-service');
      await waitFor(() => new Set(sink.on('/fault').filter((r) => r.status < 300).map((r) => r.body.id)).size === 5000, 90000, 200, 'all 5,000 events');

      const ok = sink.on('/fault').filter((r) => r.status < 300);
      const idsByEvent = new Map<string, Set<string>>();
      for (const r of sink.on('/fault')) idsByEvent.set(r.body.id, (idsByEvent.get(r.body.id) ?? new Set()).add(r.webhookId));
      expect(new Set(ok.map((r) => r.body.id))).toEqual(new Set(ids));
      // every request for an event, retries and repeats after a crash included, carried one and the same webhook-id
      expect([...idsByEvent.values()].every((s) => s.size === 1)).toBe(true);
      const duplicates = ok.length - new Set(ok.map((r) => r.webhookId)).size;
      const failed = sink.on('/fault').filter((r) => r.status >= 500).length;
      const circuit = await http.get(`/api/v1/integrations/${id}/circuit`);
      await waitFor(async () => (await http.get(`/api/v1/integrations/${id}/circuit`)).body.counts.DELIVERED === 5000, 30000, 200, 'all recorded as delivered');
      expect((await deliveries(id, '&status=DEAD')).items).toEqual([]);
      console.log(`fault test: 5000 events, ${sink.on('/fault').length} requests, ${failed} answered 500, ${duplicates} duplicate successful deliveries, ${Math.round((Date.now() - started) / 1000)} s; circuit ${circuit.body.state}`);
    },
    240000,
  );
});
