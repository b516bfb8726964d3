import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { MotoServer, startMoto, SystemUnderTest, TestRole, waitFor } from '@app/testing';

/**
 * The MCP door (POST /mcp) with the official SDK's Client over Streamable HTTP, in both protocol eras (2025-11-25 by
 * initialize, 2026-07-28 by server/discover), against the real system on moto: tools per role, every tool called,
 * the output cap paging a list, 401 with the RFC 9728 metadata, DNS-rebinding refusal, audit and metrics.
 */
describe(`MCP over Streamable HTTP (${process.env.E2E_MODE ?? 'standalone'})`, () => {
  const ACCOUNT = '123456789012';
  const REGIONS = ['us-east-1', 'eu-west-1'];
  /** Never to appear in any tool result: an account's ExternalId is write-only. */
  const CANARY = 'canary-external-id-7f3a9c1e';
  const MAX_CHARS = 12000;
  let moto: MotoServer;
  let sut: SystemUnderTest;
  const clients: Client[] = [];
  /** Every tool result text seen by any test, for the canary check. */
  const seen: string[] = [];

  type Era = 'legacy' | 'modern';
  async function connect(role: TestRole, era: Era = 'legacy', how: 'bearer' | 'x-api-key' = 'bearer'): Promise<Client> {
    const key = await sut.keyFor(role);
    const headers: Record<string, string> = how === 'bearer' ? { authorization: `Bearer ${key}` } : { 'x-api-key': key };
    const client = new Client({ name: `e2e-${role}`, version: '1.0.0' }, era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {});
    await client.connect(new StreamableHTTPClientTransport(new URL(`${sut.baseUrl}/mcp`), { requestInit: { headers } }));
    clients.push(client);
    return client;
  }

  async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ isError?: boolean; text: string; structured: any }> {
    const res = await client.callTool({ name, arguments: args });
    const text = (res.content as Array<{ type: string; text?: string }>).map((c) => c.text ?? '').join('');
    seen.push(text, JSON.stringify(res.structuredContent ?? null));
    return { isError: res.isError as boolean | undefined, text, structured: res.structuredContent };
  }

  beforeAll(async () => {
    moto = await startMoto();
    sut = await SystemUnderTest.start(undefined, { env: { ...moto.env, MCP_FLEET_SCHEDULER_INTERVAL_SECONDS: '0', MCP_MCP_MAX_OUTPUT_CHARS: String(MAX_CHARS) } });
    const admin = sut.api('admin');
    expect((await admin.post('/api/v1/accounts', { account_id: ACCOUNT, name: 'default', regions: REGIONS, external_id: CANARY, tags: { env: 'prod' } })).status).toBe(201);
    const ec2 = new EC2Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 8, MaxCount: 8, InstanceType: 't3.micro', TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'team', Value: 'mcp' }] }] }));
    const sync = await admin.post('/api/v1/inventory/sync', { account_ids: [ACCOUNT], regions: ['us-east-1'], types: ['ec2:instance'] });
    expect(sync.status).toBe(202);
    await waitFor(async () => (await admin.get(`/api/v1/inventory/sync/${sync.body.id}`)).body.status !== 'RUNNING', 60000, 250, 'the sync to finish');
  }, 120000);

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await sut?.stop();
    await moto?.stop();
  }, 60000);

  it('answers 401 with WWW-Authenticate naming the protected-resource metadata, which names the resource', async () => {
    const res = await fetch(`${sut.baseUrl}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    expect(res.status).toBe(401);
    const header = res.headers.get('www-authenticate') ?? '';
    const m = /^Bearer resource_metadata="([^"]+)"$/.exec(header);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(`${sut.baseUrl}/.well-known/oauth-protected-resource/mcp`);
    const doc = (await (await fetch(m![1])).json()) as Record<string, unknown>;
    expect(doc).toMatchObject({ resource: `${sut.baseUrl}/mcp`, bearer_methods_supported: ['header'] });
    expect(doc.authorization_servers).toBeUndefined(); // no OIDC issuer configured

    const bad = await fetch(`${sut.baseUrl}/mcp`, { method: 'POST', headers: { authorization: 'Bearer mcp_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'content-type': 'application/json' }, body: '{}' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');

    // The SDK's client sees the same: connect fails without credentials.
    const anonymous = new Client({ name: 'anon', version: '1' });
    await expect(anonymous.connect(new StreamableHTTPClientTransport(new URL(`${sut.baseUrl}/mcp`)))).rejects.toThrow();
  });

  it('refuses a Host or Origin it does not serve (DNS rebinding)', async () => {
    const key = await sut.keyFor('viewer');
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const headers = { 'x-api-key': key, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const port = new URL(sut.baseUrl).port;
    expect((await fetch(`${sut.baseUrl}/mcp`, { method: 'POST', headers: { ...headers, origin: 'http://evil.example' }, body })).status).toBe(403);
    // fetch does not let a caller set Host: a raw request does
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const r = request({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers: { ...headers, host: `evil.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      r.on('error', reject);
      r.end(body);
    });
    expect(status).toBe(403);
    expect((await fetch(`${sut.baseUrl}/mcp`, { method: 'POST', headers: { ...headers, origin: `http://localhost:${port}` }, body })).status).toBe(200);
  });

  it.each<Era>(['legacy', 'modern'])('lists the inventory tools with schemas and annotations to a viewer (%s era)', async (era) => {
    const viewer = await connect('viewer', era);
    if (era === 'modern') expect(viewer.getProtocolEra()).toBe('modern');
    const { tools } = await viewer.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['list_accounts', 'search_resources', 'get_resource', 'summarize_resources']));
    for (const t of tools) {
      expect(t.description!.length).toBeGreaterThan(80);
      expect(t.inputSchema.type).toBe('object');
      expect(t.outputSchema?.type).toBe('object');
      expect(t.annotations).toMatchObject({ readOnlyHint: expect.any(Boolean), destructiveHint: expect.any(Boolean), idempotentHint: expect.any(Boolean) });
    }
    expect(tools.find((t) => t.name === 'search_resources')!.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
  });

  it('answers the inventory tools from the registry, with structured content', async () => {
    const viewer = await connect('viewer', 'legacy', 'x-api-key');
    const accounts = await call(viewer, 'list_accounts');
    expect(accounts.isError).toBeFalsy();
    expect(accounts.structured).toMatchObject({ total: 1, items: [{ account_id: ACCOUNT, name: 'default', tags: { env: 'prod' } }] });
    expect(JSON.parse(accounts.text)).toEqual(accounts.structured);

    const summary = await call(viewer, 'summarize_resources', { account_id: ACCOUNT });
    expect(summary.structured).toMatchObject({ total: 8, by_type: { 'ec2:instance': 8 }, by_region: { 'us-east-1': 8 }, by_account: { [ACCOUNT]: 8 } });

    const found = await call(viewer, 'search_resources', { type: 'ec2:instance', tags: { team: 'mcp' }, limit: 1 });
    expect(found.structured.items).toHaveLength(1);
    const arn = found.structured.items[0].arn as string;
    const one = await call(viewer, 'get_resource', { arn });
    expect(one.structured).toMatchObject({ arn, type: 'ec2:instance', account_id: ACCOUNT, region: 'us-east-1', tags: { team: 'mcp' } });

    const none = await call(viewer, 'get_resource', { arn: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0000000000nothere` });
    expect(none.isError).toBe(true);
    expect(none.text).toMatch(/^RESOURCE_NOT_FOUND/);
    const invalid = await call(viewer, 'search_resources', { account_id: 'not-an-account' });
    expect(invalid.isError).toBe(true);
  });

  it('pages a list under mcp.max_output_chars instead of cutting it', async () => {
    const viewer = await connect('viewer', 'modern');
    const arns: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await call(viewer, 'search_resources', { type: 'ec2:instance', limit: 1000, ...(cursor ? { cursor } : {}) });
      expect(page.isError).toBeFalsy();
      expect(page.text.length).toBeLessThanOrEqual(MAX_CHARS);
      arns.push(...page.structured.items.map((r: { arn: string }) => r.arn));
      cursor = page.structured.next_cursor ?? undefined;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBeGreaterThan(1);
    expect(new Set(arns).size).toBe(8);
    expect(arns).toHaveLength(8);
  });

  it('refuses a tool the role lacks, and audits and counts every call', async () => {
    const viewer = await connect('viewer');
    // An admin-only tool name the viewer was not given is refused like any unknown tool.
    const refused = await viewer.callTool({ name: 'list_accounts_as_admin', arguments: {} }).catch((e: Error) => ({ isError: true, content: [{ type: 'text', text: e.message }] }));
    expect(refused.isError).toBe(true);
    await call(viewer, 'summarize_resources', { include_removed: true });
    const admin = sut.api('admin');
    let rows: any[] = [];
    await waitFor(async () => {
      rows = (await admin.get('/api/v1/audit?door=mcp&limit=200')).body.items;
      return rows.some((r) => r.action === 'summarize_resources' && r.arguments?.include_removed === true);
    }, 10000, 100, 'the MCP calls in the audit log');
    const mine = rows.find((r) => r.action === 'summarize_resources' && r.arguments?.include_removed === true);
    expect(mine).toMatchObject({ door: 'mcp', outcome: 'ok', role: 'viewer', actor_kind: 'api_key', path: '/mcp' });
    expect(mine.correlation_id).toEqual(expect.any(String));
    expect(rows).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'get_resource', outcome: 'not_found' }), expect.objectContaining({ action: 'list_accounts_as_admin', outcome: 'not_found' })]));
    const metrics = await (await fetch(`${sut.urlOf('gateway')}/metrics`)).text();
    expect(metrics).toMatch(/mcp_tool_calls_total\{tool="summarize_resources",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/mcp_tool_calls_total\{tool="get_resource",outcome="not_found"\} [1-9]/);
  });

  it('never returned the secret canary in any tool result (runs last)', () => {
    expect(seen.length).toBeGreaterThan(5);
    for (const text of seen) expect(text).not.toContain(CANARY);
  });
});
