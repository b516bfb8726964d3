import { createServer, Server, Socket } from 'node:net';
import { rawRequest, RawResponse, SystemUnderTest } from '@app/testing';

/**
 * Issue 14 items 7-13 through the gateway, and a fuzz pass generated from the gateway's own OpenAPI document:
 * malformed variants of every operation, none of which may get a 5xx or an answer that is not problem+json with
 * the security headers. One standalone system (the edge is the same code in both modes); seeded and bounded.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: Json[];
  example?: Json;
  default?: Json;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  oneOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: boolean | Schema;
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses?: Record<string, unknown>;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const SEED = Number(process.env.FUZZ_SEED ?? 1402);
const VARIANTS_PER_OPERATION = 24;
const CONCURRENCY = 4;

/** mulberry32: small, seeded, the same sequence on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A plausible value for a schema: its example, default or first enum value, else one of its type. */
function sample(doc: OpenApi, schema: Schema | undefined, depth = 0): Json {
  if (!schema || depth > 6) return null;
  if (schema.$ref) return sample(doc, doc.components.schemas[schema.$ref.split('/').pop() as string], depth + 1);
  if (schema.format === 'password') return 'not-the-password-0';
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.oneOf?.length) return sample(doc, schema.oneOf[0], depth + 1);
  if (schema.allOf?.length) return sample(doc, schema.allOf[0], depth + 1);
  switch (schema.type) {
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [sample(doc, schema.items, depth + 1)];
    case 'object': {
      const out: Record<string, Json> = {};
      for (const [k, v] of Object.entries(schema.properties ?? {})) out[k] = sample(doc, v, depth + 1);
      return out;
    }
    default:
      return schema.format === 'uuid' ? '00000000-0000-4000-8000-000000000000' : 'sample';
  }
}

const NASTY_TEXT = ['a\u0000b', 'x\ud800', '\udfff', 'x'.repeat(70_000), '\u202e\u0000', '../../../../etc/passwd', "' OR 1=1 --", '{{7*7}}${7*7}'];
const NASTY_VALUES: Json[] = [null, -1, 1e308, 1.5, true, [], [null], {}, { $gt: '' }, '', 'NaN', ...NASTY_TEXT];
const NASTY_SEGMENTS = ['%00', '%ff', '%C0%AF', '%ED%A0%80', 'a'.repeat(9000), '..%2F..%2Fetc%2Fpasswd', '%EF%BC%91%EF%BC%92', '00000000-0000-4000-8000-00000000000g', '%25', 'null'];
const NASTY_QUERY = ['%00', '%ff', '%ED%A0%80', '-1', '99999999999999999999999', 'x'.repeat(5000), '%5B%5D', 'null', '1e309', '%E2%80%AE', 'a%00b'];

interface Variant {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

function encodePath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => values[name]);
}

/** Malformed variants of one operation, from its parameters and body schema; `count` of them, picked by the seed. */
function variantsOf(doc: OpenApi, method: string, template: string, op: Operation, rnd: () => number, count: number): Variant[] {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const goodPath: Record<string, string> = Object.fromEntries(pathParams.map((p) => [p.name, encodeURIComponent(String(sample(doc, p.schema)))]));
  const bodySchema = op.requestBody?.content['application/json']?.schema;
  const goodBody = bodySchema ? sample(doc, bodySchema) : undefined;
  const json = { 'content-type': 'application/json' };
  const base = (label: string, over: Partial<Variant> = {}): Variant => ({ label, method, path: encodePath(template, goodPath), headers: bodySchema ? json : {}, body: goodBody === undefined ? undefined : JSON.stringify(goodBody), ...over });
  const pool: Variant[] = [];

  for (const p of pathParams) for (const seg of NASTY_SEGMENTS) pool.push(base(`path ${p.name}=${seg.slice(0, 20)}`, { path: encodePath(template, { ...goodPath, [p.name]: seg }) }));
  for (const q of queryParams) for (const v of NASTY_QUERY) pool.push(base(`query ${q.name}=${v.slice(0, 20)}`, { path: `${encodePath(template, goodPath)}?${q.name}=${v}` }));
  if (queryParams.length) pool.push(base('every query parameter twice', { path: `${encodePath(template, goodPath)}?${queryParams.map((q) => `${q.name}=1&${q.name}=2`).join('&')}` }));
  pool.push(base('unknown query parameter with NUL', { path: `${encodePath(template, goodPath)}?zz%00=%00` }));

  if (bodySchema) {
    const raw = (label: string, body: string | Buffer, headers: Record<string, string> = json) => pool.push(base(label, { body, headers }));
    raw('not JSON', '{"a":');
    raw('JSON array', '[]');
    raw('JSON null', 'null');
    raw('JSON string', '"text"');
    raw('JSON number', '42');
    raw('empty body', '');
    raw('nested 10,000 deep', '{"a":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}');
    raw('proto pollution', '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}');
    raw('invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d]));
    raw('text/plain', JSON.stringify(goodBody), { 'content-type': 'text/plain' });
    raw('utf-16 charset', JSON.stringify(goodBody), { 'content-type': 'application/json; charset=utf-16' });
    raw('no content-type', JSON.stringify(goodBody), {});
    if (goodBody && typeof goodBody === 'object' && !Array.isArray(goodBody)) {
      raw('unknown field', JSON.stringify({ ...goodBody, zz_unknown: 1 }));
      for (const key of Object.keys(goodBody)) {
        for (const v of NASTY_VALUES) raw(`body ${key}=${JSON.stringify(v).slice(0, 20)}`, JSON.stringify({ ...goodBody, [key]: v }));
        const nested = goodBody[key];
        if (nested && typeof nested === 'object' && !Array.isArray(nested)) {
          for (const inner of Object.keys(nested)) for (const v of [null, [], 'a\u0000', 7]) raw(`body ${key}.${inner}=${JSON.stringify(v)}`, JSON.stringify({ ...goodBody, [key]: { ...nested, [inner]: v } }));
        }
      }
    }
  } else if (method !== 'GET') {
    pool.push(base('empty JSON body on a body-less call', { headers: json, body: '' }));
    pool.push(base('unexpected JSON body', { headers: json, body: '{"zz":1}' }));
  }
  pool.push(base('oversized header', { headers: { ...(bodySchema ? json : {}), 'x-filler': 'y'.repeat(20_000) } }));
  pool.push(base('bad correlation id', { headers: { ...(bodySchema ? json : {}), 'x-correlation-id': '<script>\u00e9' } }));

  // Fisher-Yates with the seeded generator; the pool is padded by repeating it if an operation has few inputs.
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  const out: Variant[] = [];
  for (let i = 0; out.length < count; i++) out.push(pool[i % pool.length]);
  return out;
}

/** What is wrong with an answer, or undefined: no 500, every error problem+json with a matching status, the security headers. */
function defect(res: RawResponse): string | undefined {
  if (!res.status) return 'no HTTP answer';
  // A variant that happens to be valid may reach a peer this machine lacks (AWS Organizations): a documented 502/503
  // problem is an answer, not a defect; a 500 or any other 5xx is.
  const upstream = (res.status === 502 || res.status === 503) && res.headers['content-type']?.startsWith('application/problem+json') && res.json?.code !== 'INTERNAL_ERROR';
  if (res.status >= 500 && !upstream) return `status ${res.status}: ${res.text.slice(0, 200)}`;
  if (res.headers['x-content-type-options'] !== 'nosniff' || !res.headers['content-security-policy']) return `status ${res.status} without the security headers`;
  if (res.status >= 400) {
    if (!res.headers['content-type']?.startsWith('application/problem+json')) return `status ${res.status} as ${res.headers['content-type']}: ${res.text.slice(0, 120)}`;
    if (res.json?.status !== res.status || typeof res.json?.code !== 'string' || typeof res.json?.type !== 'string') return `status ${res.status} with a malformed problem: ${res.text.slice(0, 120)}`;
  }
  return undefined;
}

/** A TCP peer that accepts connections and never says a word. */
async function silentPeer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('HTTP hardening (issue 14 items 7-13) and the OpenAPI fuzz pass', () => {
  let sut: SystemUnderTest;
  let key: string;
  const auth = () => ({ 'x-api-key': key });

  beforeAll(async () => {
    sut = await SystemUnderTest.start('standalone', { env: { MCP_INTEGRATIONS_ALLOW_OUTBOUND: '127.0.0.0/8' } });
    key = await sut.keyFor('admin');
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
  });

  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    rawRequest(sut.baseUrl, { method, path, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...auth(), ...headers }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const fieldsOf = (res: RawResponse) => (res.json?.errors ?? []).map((e: { field: string }) => e.field);

  it('item 7: refuses NUL and lone surrogates in text and query values with a 400 naming the field, unauthenticated too', async () => {
    const login = await rawRequest(sut.baseUrl, { method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, body: '{"username":"a\\u0000","password":"x"}' });
    expect(login.status).toBe(400);
    expect(fieldsOf(login)).toEqual(['username']);
    for (const [path, field] of [['/api/v1/integrations?q=%00', 'q'], ['/api/v1/resources?state=%00', 'state'], ['/api/v1/audit?actor=%00', 'actor'], ['/api/v1/resources/arn%3Aaws%00', 'arn']]) {
      const res = await send('GET', path);
      expect({ path, status: res.status, fields: fieldsOf(res) }).toEqual({ path, status: 400, fields: [field] });
    }
    const created = await send('POST', '/api/v1/integrations', '{"name":"nul-\\ud800","description":"","type":"WEBHOOK","direction":"OUTBOUND","connection":{"url":"https://hooks.example.com/x"}}');
    expect(created.status).toBe(400);
    expect(fieldsOf(created)).toEqual(['name']);
    const account = await send('POST', '/api/v1/accounts', { account_id: '123456789012', name: 'acct\u0000' });
    expect(account.status).toBe(400);
    expect(fieldsOf(account)).toContain('name');
  });

  it('item 8: refuses JSON nested 10,000 deep on every endpoint with a body, login included', async () => {
    const deep = '{"username":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}';
    for (const path of ['/api/v1/auth/login', '/api/v1/integrations']) {
      const res = await send('POST', path, deep);
      expect({ path, status: res.status, code: res.json?.code }).toEqual({ path, status: 400, code: 'BAD_REQUEST' });
    }
  });

  it('item 9: null for a NOT NULL field and an empty target list are 400s naming the field', async () => {
    const users = await send('GET', '/api/v1/users');
    const admin = users.json.items.find((u: { username: string }) => u.username === 'admin');
    const patch = await send('PATCH', `/api/v1/users/${admin.id}`, { disabled: null });
    expect(patch.status).toBe(400);
    expect(fieldsOf(patch)).toEqual(['disabled']);
    const run = await send('POST', '/api/v1/commands', { command: 'sts get-caller-identity', targets: [], dry_run: true });
    expect(run.status).toBe(400);
    expect(fieldsOf(run)).toEqual(['targets']);
  });

  it('item 10: router and HTTP parser errors are problem+json with the same security headers as any answer, and counted', async () => {
    /** http_requests_total summed over the lines with this route and status. */
    const counted = async (route: string, status: number) =>
      (await (await fetch(`${sut.baseUrl}/metrics`)).text())
        .split('\n')
        .filter((l) => l.startsWith('http_requests_total{') && l.includes(`route="${route}"`) && l.includes(`status="${status}"`))
        .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    const before = { router: await counted('unmatched', 400), parser: await counted('unparsed', 400) };
    const normal = await send('GET', '/api/v1/integrations/00000000-0000-4000-8000-000000000000');
    expect(normal.status).toBe(404);
    const security = (r: RawResponse) => Object.fromEntries(Object.entries(r.headers).filter(([k]) => k.startsWith('x-') && k !== 'x-correlation-id' || k.startsWith('cross-origin') || ['content-security-policy', 'strict-transport-security', 'referrer-policy', 'origin-agent-cluster', 'cache-control'].includes(k)));
    expect(Object.keys(security(normal)).length).toBeGreaterThanOrEqual(6);
    const answers: Array<[RawResponse, number, string]> = [
      [await send('GET', '/api/v1/integrations/%ff'), 400, 'BAD_REQUEST'],
      // The router refuses the over-long parameter (414); where the console is built its catch-all route takes the path instead (404).
      [await send('GET', `/api/v1/resources/${'a'.repeat(9000)}`), 0, 'URI_TOO_LONG|ROUTE_NOT_FOUND'],
      [await send('GET', '/api/v1/integrations', undefined, { 'x-filler': 'y'.repeat(20_000) }), 431, 'HEADERS_TOO_LARGE'],
      [await rawRequest(sut.baseUrl, { method: 'GET /x', path: 'HTTP/9', headers: {} }), 400, 'BAD_REQUEST'],
    ];
    for (const [res, status, code] of answers) {
      expect({ status: res.status, type: res.headers['content-type'], code: res.json?.code }).toEqual({ status: status || res.json?.status, type: 'application/problem+json; charset=utf-8', code: expect.stringMatching(`^(${code})$`) });
      if (!status) expect([404, 414]).toContain(res.status);
      expect(security(res)).toEqual(security(normal));
      expect(res.json.correlation_id).toBe(res.headers['x-correlation-id']);
    }
    // Neither answer passes through Fastify's onResponse hook; both are in the metrics all the same.
    expect({ router: await counted('unmatched', 400), parser: await counted('unparsed', 400) }).toEqual({ router: before.router + 1, parser: before.parser + 1 });
  });

  it('item 11: a body-less DELETE with content-type application/json and an empty body is accepted', async () => {
    const created = await send('POST', '/api/v1/integrations', { name: 'empty-json-delete', description: '', type: 'WEBHOOK', direction: 'OUTBOUND', connection: { url: 'https://hooks.example.com/x' } });
    expect(created.status).toBe(201);
    const res = await send('DELETE', `/api/v1/integrations/${created.json.id}`, '');
    expect(res.status).toBe(204);
  });

  it('items 12, 13 and the fuzz pass: every operation, malformed, gets a 4xx problem; slow peers and bodies are cut at the bound', async () => {
    // Started first and awaited last: they wait out the 15 s request bound while the fuzz pass runs.
    const peer = await silentPeer();
    const created = await send('POST', '/api/v1/integrations', { name: 'silent-peer', description: '', type: 'WEBHOOK', direction: 'OUTBOUND', timeout_seconds: 120, connection: { url: peer.url } });
    expect(created.status).toBe(201);
    const connectionTest = send('POST', `/api/v1/integrations/${created.json.id}/test`, {});
    const trickled = rawRequest(sut.baseUrl, { method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, body: `{"username":"admin","password":"${'x'.repeat(200)}"}`, trickleMs: 100, timeoutMs: 40_000 });

    const doc = (await rawRequest(sut.baseUrl, { method: 'GET', path: '/api/docs-json' })).json as OpenApi;
    const rnd = prng(SEED);
    const work: Variant[] = [];
    let operations = 0;
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (JSON.stringify(op.responses ?? {}).includes('event-stream')) continue; // a stream that is valid never ends
        operations++;
        work.push(...variantsOf(doc, method.toUpperCase(), template, op, rnd, VARIANTS_PER_OPERATION));
      }
    }
    const failures: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < work.length) {
          const v = work[next++];
          // the login route takes no credentials; everything else is tried as the admin, to get past authentication
          const res = await rawRequest(sut.baseUrl, { method: v.method, path: v.path, headers: { ...auth(), ...v.headers }, body: v.body, timeoutMs: 20_000 }).catch((e: Error) => e);
          const wrong = res instanceof Error ? res.message : defect(res);
          if (wrong) failures.push(`${v.method} ${v.path.slice(0, 120)} [${v.label}]: ${wrong}`);
        }
      }),
    );
    expect(operations).toBeGreaterThanOrEqual(45);
    expect(work.length).toBeGreaterThanOrEqual(operations * 20);
    expect({ seed: SEED, failures }).toEqual({ seed: SEED, failures: [] });

    // item 12: a peer that never answers fails the test inside the documented 15 s bound, not after its 120 s timeout
    const tested = await connectionTest;
    expect(tested.status).toBe(200);
    expect(tested.json).toMatchObject({ healthy: false, status: 'ERROR' });
    expect(tested.closedAfterMs).toBeLessThan(15_000);
    await peer.close();

    // item 13: answered 503 at the bound, and the connection closed then rather than read to the end
    const slow = await trickled;
    expect(slow.status).toBe(503);
    expect(slow.json.code).toBe('UPSTREAM_TIMEOUT');
    expect(slow.headers.connection).toBe('close');
    expect(slow.closedAfterMs - slow.answeredAfterMs).toBeLessThan(3000);
    expect(sut.allLogs()).not.toContain('Unhandled error');
  }, 90_000);
});
