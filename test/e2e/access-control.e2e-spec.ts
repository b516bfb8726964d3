import { allows, Permission } from '@app/auth';
import { SystemUnderTest } from '@app/testing';

const MODE = (process.env.E2E_MODE ?? 'standalone') as 'standalone' | 'distributed';
const ROLES = ['viewer', 'operator', 'admin'] as const;

/**
 * Endpoints anyone may call. Adding one is a security decision: it must be listed here, or this suite fails.
 * (Health, readiness and metrics are public too; they are not API operations and not in the document.)
 */
const PUBLIC_OPERATIONS = new Set(['POST /api/v1/auth/login', 'POST /api/v1/auth/refresh', 'POST /api/v1/auth/logout', 'POST /api/v1/hooks/{integration_id}']);

/** A value for a path parameter: a UUID that names nothing, unless the parameter is not a UUID. */
const PARAM_VALUE = '00000000-0000-4000-8000-000000000000';

interface Operation {
  method: string;
  path: string;
  url: string;
  permission?: Permission;
  isPublic: boolean;
}

/**
 * Walks EVERY operation of the gateway's OpenAPI document (so endpoints added later are covered without
 * touching this file) × every role: no credentials → 401; a role below the declared one → 403; the declared
 * role and above → neither 401 nor 403. Every operation must declare a permission or be a listed public one.
 */
describe(`Access control on every route (${MODE})`, () => {
  let sut: SystemUnderTest;
  let operations: Operation[] = [];

  beforeAll(async () => {
    sut = await SystemUnderTest.start(MODE);
    const doc = (await sut.anonymous().get('/api/docs-json')).body;
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        operations.push({ method: method.toUpperCase(), path, url: path.replace(/\{[^}]+\}/g, PARAM_VALUE), permission: op['x-permission'], isPublic: op['x-public'] === true });
      }
    }
    operations = operations.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
    // warm the per-role keys
    for (const role of ROLES) await sut.keyFor(role);
  }, 180000);

  afterAll(() => sut?.stop(), 60000);

  const call = (op: Operation, headers: Record<string, string> = {}) =>
    sut.anonymous().raw(op.method, op.url.includes('/events/stream') ? `${op.url}?subjects=rpc.nope` : op.url, ['POST', 'PUT', 'PATCH'].includes(op.method) ? {} : undefined, headers);

  it('finds the routes of every feature in the document', () => {
    expect(operations.length).toBeGreaterThan(15);
    expect(operations.map((o) => `${o.method} ${o.path}`)).toEqual(expect.arrayContaining(['GET /api/v1/integrations', 'POST /api/v1/users', 'POST /api/v1/api-keys', 'GET /api/v1/audit', 'GET /api/v1/events/stream']));
  });

  it('has every operation declare a known permission, or be one of the reviewed public ones', () => {
    const problems = operations
      .filter((o) => (o.isPublic ? !PUBLIC_OPERATIONS.has(`${o.method} ${o.path}`) : !o.permission || !(o.permission in Permission)))
      .map((o) => `${o.method} ${o.path}: ${o.isPublic ? 'public but not reviewed' : `permission ${o.permission ?? 'missing'}`}`);
    expect(problems).toEqual([]);
  });

  it('answers 401 problem+json to every non-public operation called without credentials', async () => {
    const wrong: string[] = [];
    for (const op of operations.filter((o) => !o.isPublic)) {
      const res = await call(op);
      if (res.status !== 401 || !String(res.headers.get('content-type')).includes('application/problem+json')) wrong.push(`${op.method} ${op.path} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
  }, 120000);

  it('answers 401 to every non-public operation with an invalid token or API key', async () => {
    const wrong: string[] = [];
    for (const op of operations.filter((o) => !o.isPublic)) {
      for (const headers of [{ authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }, { 'x-api-key': `mcp_0123456789abcdef_${'x'.repeat(43)}` }] as Array<Record<string, string>>) {
        const res = await call(op, headers);
        if (res.status !== 401) wrong.push(`${op.method} ${op.path} ${Object.keys(headers)[0]} → ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120000);

  it.each(ROLES)('answers 403 where %s is below the declared role, and lets it through where it is not', async (role) => {
    const key = await sut.keyFor(role);
    const wrong: string[] = [];
    for (const op of operations.filter((o) => !o.isPublic)) {
      const res = await call(op, { 'x-api-key': key });
      const allowed = !!op.permission && allows(role, op.permission);
      const ok = allowed ? res.status !== 401 && res.status !== 403 : res.status === 403 && res.body?.code === 'FORBIDDEN';
      if (!ok) wrong.push(`${op.method} ${op.path} (${op.permission}) as ${role} → ${res.status} ${res.body?.code ?? ''}`);
    }
    expect(wrong).toEqual([]);
  }, 120000);
});
