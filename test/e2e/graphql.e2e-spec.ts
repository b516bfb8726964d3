import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { APPS, startMoto, SystemUnderTest, TestRole, waitFor, type MotoServer } from '@app/testing';

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
  async function rpcHandled(): Promise<number> {
    const urls = sut.mode === 'standalone' ? [sut.urlOf('standalone')] : APPS.map((a) => sut.urlOf(a));
    let n = 0;
    for (const url of urls) {
      const text = await (await fetch(`${url}/metrics`)).text();
      for (const m of text.matchAll(/^message_handler_total\{[^}]*subject="rpc\.[^"]+"[^}]*\} (\d+)/gm)) n += Number(m[1]);
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
});
