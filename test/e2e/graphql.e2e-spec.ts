import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { APPS, startMoto, SystemUnderTest, TestRole, waitFor, type MotoServer } from '@app/testing';
import { createClient, Client } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * The GraphQL door (/graphql) and the WebSocket event stream, with clients nobody here wrote: plain fetch for
 * queries and mutations, graphql-ws's client for subscriptions, ws for /api/v1/events/ws. Data comes from a real
 * sync against moto: one account, SQS queues in one region.
 */
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const QUEUES = 6;
/** Low enough to exhaust in a test, high enough for the rest of the suite (shared by REST and GraphQL). */
const RATE_LIMIT = 400;

describe(`GraphQL (${process.env.E2E_MODE ?? 'standalone'})`, () => {
  let moto: MotoServer;
  let sut: SystemUnderTest;

  /** POST /graphql as `role` (or with the given headers); the status and the parsed body. */
  async function gql(query: string, variables: Record<string, unknown> = {}, as: TestRole | Record<string, string> = 'admin'): Promise<{ status: number; body: any }> {
    const auth = typeof as === 'string' ? { 'x-api-key': await sut.keyFor(as) } : as;
    const res = await fetch(`${sut.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ query, variables }) });
    return { status: res.status, body: await res.json() };
  }
  const codes = (body: any): string[] => (body.errors ?? []).map((e: any) => e.extensions?.code);

  /** Request/reply messages the services handled so far, from every app's /metrics (the NATS requests made). */
  async function rpcHandled(prefix = 'rpc.'): Promise<number> {
    const urls = sut.mode === 'standalone' ? [sut.urlOf('standalone')] : APPS.map((a) => sut.urlOf(a));
    let n = 0;
    for (const url of urls) {
      const text = await (await fetch(`${url}/metrics`)).text();
      for (const m of text.matchAll(/^message_handler_total\{[^}]*subject="([^"]+)"[^}]*\} (\d+)/gm)) if (m[1].startsWith(prefix)) n += Number(m[2]);
    }
    return n;
  }

  beforeAll(async () => {
    moto = await startMoto();
    sut = await SystemUnderTest.start(undefined, { env: { ...moto.env, MCP_FLEET_SCHEDULER_INTERVAL_SECONDS: '0', MCP_AUTH_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) } });
    const admin = sut.api('admin');
    expect((await admin.post('/api/v1/accounts', { account_id: ACCOUNT, name: 'gql-default', regions: [REGION], tags: { env: 'test' } })).status).toBe(201);
    const sqs = new SQSClient({ region: REGION, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    for (let i = 0; i < QUEUES; i++) await sqs.send(new CreateQueueCommand({ QueueName: `gql-q-${i}` }));
    sqs.destroy();
    const sync = await admin.post('/api/v1/inventory/sync', { types: ['sqs:queue'] });
    expect(sync.status).toBe(202);
    await waitFor(async () => (await admin.get(`/api/v1/inventory/sync/${sync.body.id}`)).body.status !== 'RUNNING', 60_000, 200, 'the sync to finish');
  }, 120_000);

  afterAll(async () => {
    await sut?.stop();
    await moto?.stop();
  }, 60_000);

  it('reads resources with their account in one round trip, batching the account lookups (no N+1)', async () => {
    const query = '{ resources(first: 50, filter: { type: "sqs:queue" }) { totalCount pageInfo { hasNextPage endCursor } nodes { arn name region account { account_id name tags } } } }';
    const before = await rpcHandled();
    const res = await gql(query, {}, 'viewer');
    const after = await rpcHandled();
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const page = res.body.data.resources;
    expect(page.nodes).toHaveLength(QUEUES);
    expect(page.totalCount ?? QUEUES).toBe(QUEUES);
    expect(page.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
    for (const r of page.nodes) expect(r.account).toEqual({ account_id: ACCOUNT, name: 'gql-default', tags: { env: 'test' } });
    // rpc.fleet.resource.list + one rpc.fleet.account.list for all six: not 1 + 6
    expect(after - before).toBe(2);
  });

  it('pages a connection with first/after like REST pages with limit/cursor', async () => {
    const first = await gql('query($after: String) { resources(first: 4, after: $after) { edges { cursor node { arn } } pageInfo { hasNextPage endCursor } } }');
    const p1 = first.body.data.resources;
    expect(p1.edges).toHaveLength(4);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    expect(p1.edges[3].cursor).toBe(p1.pageInfo.endCursor);
    const second = await gql('query($after: String) { resources(first: 4, after: $after) { nodes { arn } pageInfo { hasNextPage } } }', { after: p1.pageInfo.endCursor });
    const arns = [...p1.edges.map((e: any) => e.node.arn), ...second.body.data.resources.nodes.map((n: any) => n.arn)];
    expect(new Set(arns).size).toBe(QUEUES);
    expect(second.body.data.resources.pageInfo.hasNextPage).toBe(false);
  });

  it.each<[TestRole, string, string | null]>([
    ['viewer', '{ integrations { totalCount } }', null],
    ['viewer', '{ accounts { nodes { account_id } } }', null],
    ['viewer', '{ commands { totalCount } }', null],
    ['viewer', '{ resourceSummary { total by_type } }', null],
    ['viewer', '{ auditEntries(first: 1) { nodes { id } } }', 'FORBIDDEN'],
    ['operator', '{ auditEntries(first: 1) { nodes { id } } }', 'FORBIDDEN'],
    ['admin', '{ auditEntries(first: 5) { nodes { method path status } } }', null],
  ])('as %s, %s → %s', async (role, query, code) => {
    const res = await gql(query, {}, role);
    if (code === null) {
      expect(res.body.errors).toBeUndefined();
      expect(res.status).toBe(200);
    } else {
      expect(codes(res.body)).toEqual([code]);
      expect(res.status).toBe(403);
    }
  });

  it('refuses anonymous and bad credentials with the problem+json codes', async () => {
    const anonymous = await gql('{ integrations { totalCount } }', {}, {});
    expect(anonymous.status).toBe(401);
    expect(codes(anonymous.body)).toEqual(['UNAUTHORIZED']);
    const forged = await gql('{ integrations { totalCount } }', {}, { 'x-api-key': `mcp_${'0'.repeat(16)}_${'A'.repeat(43)}` });
    expect(codes(forged.body)).toEqual(['AUTH_TOKEN_INVALID']);
  });

  it('answers errors with the stable codes in extensions', async () => {
    const missing = await gql('{ integration(id: "3f2c1a9e-6a5b-4a8e-9a51-1f6f2b7c9d10") { name } }');
    expect(codes(missing.body)).toEqual(['INTEGRATION_NOT_FOUND']);
    expect(missing.body.errors[0].extensions).toMatchObject({ status: 404, correlation_id: expect.any(String) });
    const badFilter = await gql('{ integrations(filter: { status: "SLEEPING" }) { totalCount } }');
    expect(codes(badFilter.body)).toEqual(['VALIDATION_FAILED']);
    expect(badFilter.body.errors[0].extensions.errors[0].field).toBe('status');
    const unknown = await gql('{ nope }');
    expect(unknown.status).toBe(400);
    expect(codes(unknown.body)).toEqual(['GRAPHQL_INVALID_QUERY']);
  });

  it('caps depth, cost and page size with clear errors', async () => {
    const deep = await gql('{ accounts { nodes { resources { nodes { account { resources { nodes { account { name } } } } } } } } }');
    expect(deep.status).toBe(400);
    expect(codes(deep.body)).toEqual(['GRAPHQL_QUERY_TOO_DEEP']);
    expect(deep.body.errors[0].message).toMatch(/at most 8/);
    const costly = await gql('{ accounts(first: 100) { nodes { resources(first: 100) { nodes { account { name } changes(first: 100) { nodes { id } } } } } } }');
    expect(costly.status).toBe(400);
    expect(codes(costly.body)).toEqual(['GRAPHQL_QUERY_TOO_COMPLEX']);
    const big = await gql('{ resources(first: 101) { totalCount } }');
    expect(codes(big.body)).toEqual(['VALIDATION_FAILED']);
    expect(big.body.errors[0].message).toMatch(/first must be between 1 and 100/);
  });

  it('measures a repeated query with each request\'s page-size variables, and answers bad variables alike before and after', async () => {
    // The cost of a parsed document is kept (graphql-limits.ts): a page size given as a variable is measured per value.
    const paged = 'query($n: Int) { accounts(first: $n) { nodes { resources(first: $n) { nodes { changes(first: $n) { nodes { id } } } } } } }';
    expect((await gql(paged, { n: 2 })).status).toBe(200);
    const costly = await gql(paged, { n: 100 });
    expect(costly.status).toBe(400);
    expect(codes(costly.body)).toEqual(['GRAPHQL_QUERY_TOO_COMPLEX']);
    expect((await gql(paged, { n: 2 })).status).toBe(200);
    // A required variable left out: refused as a bad document whether or not that document's cost is already known.
    const byId = 'query($id: ID!) { integration(id: $id) { id } }';
    const cold = await gql(byId, {});
    expect(codes((await gql(byId, { id: '3f2c1a9e-6a5b-4a8e-9a51-1f6f2b7c9d10' })).body)).toEqual(['INTEGRATION_NOT_FOUND']);
    const warm = await gql(byId, {});
    for (const r of [cold, warm]) {
      expect(r.status).toBe(400);
      expect(codes(r.body)).toEqual(['GRAPHQL_INVALID_QUERY']);
      expect(r.body.errors[0].message).toMatch(/\$id/);
    }
  });

  it.each([
    ['relations and a page', 'query($n: Int) { resources(first: $n, filter: { type: "sqs:queue" }) { totalCount pageInfo { hasNextPage } nodes { arn name tags account { account_id name tags } } } }', { n: 3 }, 'admin'],
    ['a field error beside data', '{ accounts { totalCount } integration(id: "3f2c1a9e-6a5b-4a8e-9a51-1f6f2b7c9d10") { name } }', {}, 'admin'],
    ['a refused filter', '{ integrations(filter: { status: "SLEEPING" }) { totalCount } }', {}, 'admin'],
    ['a permission refusal', '{ resourceSummary { total } auditEntries(first: 1) { nodes { id } } }', {}, 'viewer'],
  ] as const)('answers a repeated query (compiled after its first run) as it answered the first time: %s', async (_name, query, variables, role) => {
    // The same answer but for each request's correlation id (and the order of `data` and `errors`, which JSON leaves open).
    const strip = (r: { status: number; body: any }) => JSON.parse(JSON.stringify(r, (k, v) => (k === 'correlation_id' ? undefined : v)));
    const first = await gql(query, variables, role);
    for (let i = 0; i < 2; i++) expect(strip(await gql(query, variables, role))).toEqual(strip(first));
  });

  it('takes from the same per-identity rate limit as REST', async () => {
    // A key of its own, so that the other tests keep their budget.
    const created = await sut.api('admin').post('/api/v1/api-keys', { name: 'gql-rate', role: 'viewer' });
    const headers = { 'x-api-key': created.body.key as string };
    const rest = sut.api('viewer');
    let refused = 0;
    for (let i = 0; i < RATE_LIMIT * 2 && !refused; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => fetch(`${sut.baseUrl}/api/v1/integrations?limit=1`, { headers })));
      refused = batch.filter((r) => r.status === 429).length;
    }
    expect(refused).toBeGreaterThan(0);
    // The bucket REST emptied refills at RATE_LIMIT/60 a second: a burst over GraphQL right away finds it empty.
    const burst = await Promise.all(Array.from({ length: 30 }, () => gql('{ integrations { totalCount } }', {}, headers)));
    const limited = burst.find((r) => r.status === 429);
    expect(limited).toBeDefined();
    expect(codes(limited!.body)).toEqual(['RATE_LIMITED']);
    // another identity is unaffected
    expect((await rest.get('/api/v1/integrations?limit=1')).status).toBe(200);
  });

  describe('mutations: the REST writes under the same permissions, audited', () => {
    const WEBHOOK = { name: 'gql-hook', description: 'made over GraphQL', type: 'WEBHOOK', direction: 'OUTBOUND', connection: { url: 'https://hooks.example.com/gql', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } };
    let integrationId = '';

    it('creates, updates and runs the lifecycle of an integration as operator; a viewer is refused and nothing is made', async () => {
      const create = 'mutation($input: JSONObject!) { createIntegration(input: $input) { id name status connection } }';
      const refused = await gql(create, { input: WEBHOOK }, 'viewer');
      expect(codes(refused.body)).toEqual(['FORBIDDEN']);
      expect((await sut.api('admin').get('/api/v1/integrations?q=gql-hook')).body.total).toBe(0);

      const made = await gql(create, { input: WEBHOOK }, 'operator');
      expect(made.body.errors).toBeUndefined();
      integrationId = made.body.data.createIntegration.id;
      expect(made.body.data.createIntegration.connection.secret).toBe('********');
      expect((await sut.api('viewer').get(`/api/v1/integrations/${integrationId}`)).body.name).toBe('gql-hook');

      const updated = await gql('mutation($id: ID!, $input: JSONObject!) { updateIntegration(id: $id, input: $input) { description } }', { id: integrationId, input: { ...WEBHOOK, description: 'changed' } }, 'operator');
      expect(updated.body.data.updateIntegration.description).toBe('changed');
      const disabled = await gql('mutation($id: ID!) { disableIntegration(id: $id) { status } }', { id: integrationId }, 'operator');
      expect(disabled.body.data.disableIntegration.status).toBe('INACTIVE');
      const enabled = await gql('mutation($id: ID!) { enableIntegration(id: $id) { status } }', { id: integrationId }, 'operator');
      expect(enabled.body.data.enableIntegration.status).toBe('CONFIGURING');

      const invalid = await gql(create, { input: { ...WEBHOOK, name: 'gql-bad', retry: { max_attempts: -1 }, nope: 1 } }, 'operator');
      expect(codes(invalid.body)).toEqual(['VALIDATION_FAILED']);
      expect(invalid.body.errors[0].extensions.errors.map((e: any) => e.field).sort()).toEqual(['nope', 'retry.max_attempts']);
      const taken = await gql(create, { input: WEBHOOK }, 'operator');
      expect(codes(taken.body)).toEqual(['INTEGRATION_NAME_TAKEN']);
    });

    it('reads the integration with its health, deliveries, dead letters and circuit in one query', async () => {
      const res = await gql('query($id: ID!) { integration(id: $id) { name health { status monitored } recentChecks(first: 5) { nodes { outcome } } deliveries(first: 5) { totalCount nodes { id } } deadLetters { nodes { id } } circuit { state } } }', { id: integrationId }, 'viewer');
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.integration).toMatchObject({ name: 'gql-hook', health: { status: expect.any(String) }, deliveries: { nodes: [] }, deadLetters: { nodes: [] }, circuit: { state: 'CLOSED' } });
    });

    it('reads a page of integrations with their health in one health request (no N+1)', async () => {
      const admin = sut.api('admin');
      for (const n of [1, 2, 3]) expect((await admin.post('/api/v1/integrations', { ...WEBHOOK, name: `gql-health-${n}` })).status).toBe(201);
      const before = await rpcHandled('rpc.health.');
      const res = await gql('{ integrations(first: 50, filter: { q: "gql-" }) { nodes { name health { integration_id status monitored } } } }', {}, 'viewer');
      const after = await rpcHandled('rpc.health.');
      expect(res.body.errors).toBeUndefined();
      const nodes: Array<{ name: string; health: { integration_id: string; status: string } }> = res.body.data.integrations.nodes;
      expect(nodes.length).toBeGreaterThanOrEqual(3);
      for (const n of nodes) expect(n.health).toMatchObject({ integration_id: expect.any(String), status: expect.any(String) });
      expect(new Set(nodes.map((n) => n.health.integration_id)).size).toBe(nodes.length);
      expect(after - before).toBe(1);
    });

    it.each<[string, string, Record<string, unknown>, TestRole, TestRole]>([
      ['createAccount', 'mutation($input: JSONObject!) { createAccount(input: $input) { account_id } }', { input: { account_id: '333333333333', name: 'gql-made', regions: [REGION] } }, 'operator', 'admin'],
      ['updateAccount', 'mutation($input: JSONObject!) { updateAccount(account_id: "333333333333", input: $input) { name } }', { input: { name: 'gql-renamed', regions: [REGION] } }, 'operator', 'admin'],
      ['deleteAccount', 'mutation { deleteAccount(account_id: "333333333333") }', {}, 'operator', 'admin'],
      ['startSync', 'mutation { startSync(input: { types: ["sqs:queue"] }) }', {}, 'viewer', 'operator'],
      ['runCommand (dry run)', 'mutation { runCommand(input: { command: "sts get-caller-identity", targets: { account_ids: ["123456789012"], regions: ["us-east-1"] }, dry_run: true }) }', {}, 'viewer', 'operator'],
      ['createUser', 'mutation { createUser(input: { username: "gql-user", password: "a-long-password-for-gql", role: "viewer" }) }', {}, 'operator', 'admin'],
      ['createApiKey', 'mutation { createApiKey(input: { name: "gql-made-key", role: "viewer" }) }', {}, 'operator', 'admin'],
    ])('%s: refused to the role below its permission, done for the role holding it', async (_name, mutation, variables, below, allowed) => {
      const refused = await gql(mutation, variables, below);
      expect(codes(refused.body)).toEqual(['FORBIDDEN']);
      const done = await gql(mutation, variables, allowed);
      expect(done.body.errors).toBeUndefined();
      expect(Object.values(done.body.data)[0]).toBeTruthy();
    });

    it('maps service refusals to their codes', async () => {
      const ghost = '3f2c1a9e-6a5b-4a8e-9a51-1f6f2b7c9d10';
      expect(codes((await gql(`mutation { cancelCommand(id: "${ghost}") { id } }`, {}, 'operator')).body)).toEqual(['COMMAND_NOT_FOUND']);
      expect(codes((await gql('mutation { deleteIntegration(id: "not-a-uuid") }', {}, 'operator')).body)).toEqual(['VALIDATION_FAILED']);
      expect(codes((await gql(`mutation { retryDelivery(integration_id: "${integrationId}", delivery_id: "${ghost}") { id } }`, {}, 'operator')).body)).toEqual(['DELIVERY_NOT_FOUND']);
      const policy = await gql('mutation { runCommand(input: { command: "s3 cp /etc/passwd s3://x/", targets: { account_ids: ["123456789012"], regions: ["us-east-1"] } }) }', {}, 'operator');
      expect(codes(policy.body)[0]).toMatch(/^CLI_/);
    });

    it('audits each mutation (door graphql, censored arguments, outcome), refused ones too, and no query', async () => {
      const res = await gql('{ auditEntries(first: 100, filter: { door: "graphql" }) { nodes { door action outcome arguments actor_name method path } } }');
      expect(res.body.errors).toBeUndefined();
      const rows = res.body.data.auditEntries.nodes as any[];
      const creates = rows.filter((r) => r.action === 'mutation createIntegration');
      expect(creates.map((r) => r.outcome).sort()).toEqual(['conflict', 'forbidden', 'invalid', 'ok']);
      const ok = creates.find((r) => r.outcome === 'ok');
      expect(ok).toMatchObject({ door: 'graphql', actor_name: 'e2e-operator', method: 'POST', path: '/graphql' });
      expect(JSON.stringify(ok.arguments)).not.toContain('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
      expect(ok.arguments.input.name).toBe('gql-hook');
      expect(rows.some((r) => !r.action?.startsWith('mutation '))).toBe(false);
    });

    it('deletes the integration', async () => {
      const res = await gql('mutation($id: ID!) { deleteIntegration(id: $id) }', { id: integrationId }, 'operator');
      expect(res.body.data.deleteIntegration).toBe(true);
      expect((await sut.api('viewer').get(`/api/v1/integrations/${integrationId}`)).status).toBe(404);
    });
  });

  describe('subscriptions (graphql-ws) and the WebSocket event stream', () => {
    const clients: Client[] = [];
    const sockets: WebSocket[] = [];
    afterAll(async () => {
      for (const c of clients) await c.dispose();
      for (const s of sockets) s.terminate();
    });
    const wsUrl = (path: string) => sut.baseUrl.replace(/^http/, 'ws') + path;
    const client = (connectionParams?: Record<string, string>) => {
      const c = createClient({ url: wsUrl('/graphql'), webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
      clients.push(c);
      return c;
    };
    /** Subscribes; the events received, and how it ended (error or complete). */
    const subscribe = (c: Client, query: string) => {
      const got: { data: any[]; errors: any[]; ended: boolean } = { data: [], errors: [], ended: false };
      c.subscribe({ query }, { next: (v) => (v.errors ? got.errors.push(...v.errors) : got.data.push(v.data)), error: (e) => (got.errors.push(...(Array.isArray(e) ? e : [e])), (got.ended = true)), complete: () => (got.ended = true) });
      return got;
    };
    const makeIntegration = (name: string) => sut.api('operator').post('/api/v1/integrations', { name, description: 'ws', type: 'WEBHOOK', direction: 'OUTBOUND', connection: { url: 'https://hooks.example.com/ws' } });

    it('a subscription receives an event within a second of it being published', async () => {
      const c = client({ 'x-api-key': await sut.keyFor('viewer') });
      const got = subscribe(c, 'subscription { events(subjects: ["integration.created"]) { type sequence nats_subject time data } }');
      const receivedAt = new Map<string, number>();
      const origNext = got.data.push.bind(got.data);
      got.data.push = (...items: any[]) => {
        for (const d of items) receivedAt.set(d.events.data.integration.id, Date.now());
        return origNext(...items);
      };
      await new Promise((r) => setTimeout(r, 1000)); // subscribed
      const made = await makeIntegration('gql-sub-1');
      expect(made.status).toBe(201);
      await waitFor(() => receivedAt.has(made.body.id), 5000, 10, 'the event');
      const e = got.data.find((d) => d.events.data.integration.id === made.body.id).events;
      // `time` is stamped when the change commits, before the outbox publishes it: an upper bound of publish → receipt.
      expect(receivedAt.get(made.body.id)! - Date.parse(e.time)).toBeLessThan(1000);
      expect(e).toMatchObject({ type: 'integration.created', nats_subject: 'integration.created', sequence: expect.stringMatching(/^\d+$/) });
      expect(got.errors).toEqual([]);
    });

    it('refuses an unauthenticated or forged connection_init and subjects a caller may not read', async () => {
      for (const params of [undefined, { 'x-api-key': `mcp_${'0'.repeat(16)}_${'A'.repeat(43)}` }]) {
        const got = subscribe(client(params), 'subscription { events { type } }');
        await waitFor(() => got.ended, 5000, 20, 'the refused subscription to end');
        expect(got.data).toEqual([]);
      }
      const c = client({ 'x-api-key': await sut.keyFor('viewer') });
      for (const subjects of ['["rpc.>"]', '["$JS.API.>"]', '[">"]']) {
        const got = subscribe(c, `subscription { events(subjects: ${subjects}) { type } }`);
        await waitFor(() => got.errors.length > 0, 5000, 20, 'the refusal');
        expect(got.errors[0].extensions?.code).toBe('VALIDATION_FAILED');
        expect(got.data).toEqual([]);
      }
    });

    it('checks a subscription document as a query (rules, depth, cost) and refuses it with the code', async () => {
      const c = client({ 'x-api-key': await sut.keyFor('viewer') });
      const cases: [string, string][] = [
        ['subscription { events { data { a { b { c { d { e { f { g } } } } } } } } }', 'GRAPHQL_QUERY_TOO_DEEP'],
        ['subscription { events { nope } }', 'GRAPHQL_INVALID_QUERY'],
        // Fragments spread ten times each: 10 × 10 × 10 × 3 fields, in fewer bytes than the socket's frame limit.
        [`subscription { events { ...F3 } } ${[0, 1, 2, 3].map((i) => `fragment F${i} on Event { ${i ? `...F${i - 1} `.repeat(i === 3 ? 3 : 10) : Array.from({ length: 10 }, (_, j) => `a${j}: type`).join(' ')} }`).join(' ')}`, 'GRAPHQL_QUERY_TOO_COMPLEX'],
        ['subscription { events(subjects: ["integration.>"]) { type } }', ''],
      ];
      for (const [query, code] of cases) {
        const got = subscribe(c, query);
        if (code) {
          await waitFor(() => got.errors.length > 0, 5000, 20, `the refusal ${code}`);
          expect(got.errors[0].extensions).toMatchObject({ code, status: 400 });
        } else {
          await new Promise((r) => setTimeout(r, 500));
          expect(got.errors).toEqual([]);
          expect(got.ended).toBe(false);
        }
      }
    });

    it('filters resourceChanged and commandProgress to what was asked', async () => {
      const c = client({ 'x-api-key': await sut.keyFor('viewer') });
      const bad = subscribe(c, 'subscription { resourceChanged(filter: { owner: "x" }) { type } }');
      await waitFor(() => bad.errors.length > 0, 5000, 20, 'the refusal');
      expect(bad.errors[0].extensions?.code).toBe('VALIDATION_FAILED');
      const progress = subscribe(client({ 'x-api-key': await sut.keyFor('operator') }), 'subscription { commandProgress(id: "3f2c1a9e-6a5b-4a8e-9a51-1f6f2b7c9d10") { type } }');
      await new Promise((r) => setTimeout(r, 500));
      expect(progress.errors).toEqual([]);
      expect(progress.data).toEqual([]);
    });

    it('closes a subscription whose API key is revoked', async () => {
      const created = await sut.api('admin').post('/api/v1/api-keys', { name: 'gql-revoked', role: 'viewer' });
      const c = client({ 'x-api-key': created.body.key });
      let closeCode = 0;
      c.on('closed', (e) => (closeCode = (e as { code: number }).code));
      const got = subscribe(c, 'subscription { events { type } }');
      await new Promise((r) => setTimeout(r, 500));
      expect(got.ended).toBe(false);
      expect((await sut.api('admin').delete(`/api/v1/api-keys/${created.body.id}`)).status).toBe(204);
      await waitFor(() => got.ended, 15_000, 100, 'the subscription to be closed');
      expect(closeCode).toBe(4403);
    });

    it('the WebSocket stream relays with the SSE rules and resumes after a reconnect without losing events', async () => {
      const key = await sut.keyFor('viewer');
      const open = (query: string) =>
        new Promise<{ ws: WebSocket; frames: any[] }>((resolve, reject) => {
          const ws = new WebSocket(wsUrl(`/api/v1/events/ws?${query}`), { headers: { 'x-api-key': key } });
          sockets.push(ws);
          const frames: any[] = [];
          ws.on('message', (m) => frames.push(JSON.parse(String(m))));
          ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
          ws.on('open', () => waitFor(() => frames.some((f) => f.subscribed), 5000, 10, 'subscribed').then(() => resolve({ ws, frames }), reject));
        });
      const first = await open('subjects=integration.created');
      const startedAfter = first.frames.find((f) => f.subscribed).after_sequence;
      expect(startedAfter).toEqual(expect.any(Number)); // where the stream starts: a reconnect before any event resumes from it
      const a = await makeIntegration('gql-ws-a');
      await waitFor(() => first.frames.some((f) => f.event?.data?.integration?.id === a.body.id), 5000, 20, 'event a');
      const lastSeen = first.frames.filter((f) => f.sequence).at(-1).sequence as number;
      expect(lastSeen).toBeGreaterThan(startedAfter);
      first.ws.close();
      // Published while no client is connected
      const b = await makeIntegration('gql-ws-b');
      const c = await makeIntegration('gql-ws-c');
      const second = await open(`subjects=integration.created&after_sequence=${lastSeen}`);
      await waitFor(() => [b, c].every((x) => second.frames.some((f) => f.event?.data?.integration?.id === x.body.id)), 5000, 20, 'events b and c after the reconnect');
      const seqs = second.frames.filter((f) => f.sequence).map((f) => f.sequence);
      expect(Math.min(...seqs)).toBeGreaterThan(lastSeen);
      expect(second.frames.some((f) => f.event?.data?.integration?.id === a.body.id)).toBe(false);

      // Refusals answer the upgrade request with problem+json
      const refused = await new Promise<number>((resolve) => {
        const ws = new WebSocket(wsUrl('/api/v1/events/ws?subjects=rpc.>'), { headers: { 'x-api-key': key } });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => resolve(101));
      });
      expect(refused).toBe(400);
      const anonymous = await new Promise<number>((resolve) => {
        const ws = new WebSocket(wsUrl('/api/v1/events/ws'));
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => resolve(101));
      });
      expect(anonymous).toBe(401);
    });
  });
});
