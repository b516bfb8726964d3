import { createServer, IncomingMessage, request, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { decodeJwt, exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { SystemUnderTest, waitFor } from '@app/testing';

const MODE = (process.env.E2E_MODE ?? 'standalone') as 'standalone' | 'distributed';
const OIDC_AUDIENCE = 'mcp-e2e';
const PER_IDENTITY = 300;
const PER_ADDRESS = 900;
const integration = (name: string) => ({ name, description: 'security suite', type: 'REST_API', direction: 'OUTBOUND', connection: { url: 'https://api.example.com' } });

/** A call from a chosen loopback source address (127.0.0.0/8 is all ours), so per-address limits can be tried apart. */
function callFrom(localAddress: string, baseUrl: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: IncomingMessage['headers']; body: any }>((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      baseUrl + path,
      { method, localAddress, agent: false, headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}), connection: 'close', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : null }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

interface SseMessage {
  id?: string;
  event?: string;
  data?: any;
}

/** A Server-Sent Events reader over node:http: collects messages until closed. */
function openStream(url: string, headers: Record<string, string>) {
  const messages: SseMessage[] = [];
  let status = 0;
  let contentType = '';
  let opened = false;
  let position: string | undefined;
  const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
    status = res.statusCode ?? 0;
    contentType = String(res.headers['content-type'] ?? '');
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (block.includes(': subscribed')) opened = true;
        const m: SseMessage = {};
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) m.id = line.slice(4);
          else if (line.startsWith('event: ')) m.event = line.slice(7);
          else if (line.startsWith('data: ')) m.data = JSON.parse(line.slice(6));
        }
        if (m.data) messages.push(m);
        else if (m.id !== undefined && position === undefined) position = m.id; // an id with empty data: where the stream starts
      }
    });
  });
  req.on('error', () => undefined);
  req.end();
  return {
    messages,
    get status() {
      return status;
    },
    get contentType() {
      return contentType;
    },
    get position() {
      return position;
    },
    /** Resolves once the server says the subscription stands (events published after this reach us). */
    ready: () => waitFor(() => opened || (status >= 400 && status > 0), 10000, 20, 'the event stream to open'),
    close: () => req.destroy(),
  };
}

/** An identity provider on loopback: its JWKS, and tokens it (or an impostor) signs. */
async function startIdentityProvider() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const impostor = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (claims: Record<string, unknown>, opts: { key?: 'idp' | 'impostor'; audience?: string; issuer?: string; expiresIn?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
      .setSubject(String(claims.sub ?? 'idp-user-1'))
      .setIssuer(opts.issuer ?? issuer)
      .setAudience(opts.audience ?? OIDC_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(opts.expiresIn ?? '5m')
      .sign(opts.key === 'impostor' ? impostor.privateKey : privateKey);
  return { issuer, sign, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe(`Gateway security (${MODE})`, () => {
  let sut: SystemUnderTest;
  let idp: Awaited<ReturnType<typeof startIdentityProvider>>;
  /** Every secret this suite handles: none may appear in a response it does not belong to, or in any log. */
  const secrets: string[] = [];
  const anon = () => sut.anonymous();

  beforeAll(async () => {
    idp = await startIdentityProvider();
    sut = await SystemUnderTest.start(MODE, {
      env: {
        MCP_AUTH_RATE_LIMIT_PER_MINUTE: String(PER_IDENTITY),
        MCP_AUTH_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: String(PER_ADDRESS),
        MCP_AUTH_LOGIN_MAX_FAILURES: '5',
        MCP_AUTH_OIDC_ISSUER: idp.issuer,
        MCP_AUTH_OIDC_AUDIENCE: OIDC_AUDIENCE,
        MCP_AUTH_OIDC_ROLE_CLAIM: 'groups',
        MCP_AUTH_OIDC_ROLE_MAP: 'mcp-ops=operator,mcp-admins=admin,mcp-readers=viewer',
      },
    });
    secrets.push(sut.adminPassword, await sut.keyFor('admin'));
  }, 180000);

  afterAll(async () => {
    await sut?.stop();
    await idp?.close();
  }, 60000);

  /** A fresh user and a logged-in session of it. */
  async function userWithSession(role: 'viewer' | 'operator' | 'admin') {
    const username = `u-${role}-${randomUUID().slice(0, 8)}`;
    const password = `pw-${randomUUID()}`;
    const created = await sut.api().post('/api/v1/users', { username, password, role });
    expect(created.status).toBe(201);
    const tokens = await sut.login(username, password);
    secrets.push(password, tokens.access_token, tokens.refresh_token);
    return { id: created.body.id as string, username, password, tokens };
  }

  /** A token signed with the real secret, so that only the claim under test makes it invalid. */
  async function forge(session: { id: string; tokens: { access_token: string } }, change: { exp?: number; nbf?: number; iat?: number; iss?: string; aud?: string; alg?: string; sid?: string } = {}) {
    const now = Math.floor(Date.now() / 1000);
    const { sid } = decodeJwt(session.tokens.access_token) as { sid: string };
    return new SignJWT({ role: 'admin', sid: change.sid ?? sid })
      .setProtectedHeader({ alg: change.alg ?? 'HS256', typ: 'JWT' })
      .setSubject(session.id)
      .setIssuer(change.iss ?? 'aws-mcp-server')
      .setAudience(change.aud ?? 'aws-mcp-server-api')
      .setIssuedAt(change.iat ?? now - 10)
      .setNotBefore(change.nbf ?? now - 10)
      .setExpirationTime(change.exp ?? now + 600)
      .setJti(randomUUID())
      .sign(new TextEncoder().encode(sut.jwtSecret()));
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  describe('authentication', () => {
    it('refuses a request without credentials with 401 problem+json', async () => {
      const res = await anon().get('/api/v1/integrations');
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHORIZED', instance: '/api/v1/integrations' });
      expect(res.body.correlation_id).toBeTruthy();
    });

    it('logs in, then accepts the access token; a wrong password is a 401 that does not say which part was wrong', async () => {
      const s = await userWithSession('viewer');
      expect(s.tokens).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
      expect((await anon().get('/api/v1/integrations', bearer(s.tokens.access_token))).status).toBe(200);
      const wrong = await anon().post('/api/v1/auth/login', { username: s.username, password: 'not-the-password' });
      const unknown = await anon().post('/api/v1/auth/login', { username: 'nobody-here', password: 'not-the-password' });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body.detail).toBe(unknown.body.detail);
    });

    it('refuses tampered, expired, not-yet-valid, alg none, algorithm-switched and wrong iss/aud tokens with 401', async () => {
      const s = await userWithSession('admin');
      const now = Math.floor(Date.now() / 1000);
      // control: a token made like ours with the real secret passes, so each refusal below is the claim under test
      expect((await anon().get('/api/v1/users', bearer(await forge(s)))).status).toBe(200);

      const viewer = await userWithSession('viewer');
      const [h, p, sig] = viewer.tokens.access_token.split('.');
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
      const elevated = Buffer.from(JSON.stringify({ ...payload, role: 'admin', sub: s.id })).toString('base64url');
      const flipped = sig.slice(0, -2) + (sig.at(-2) === 'A' ? 'B' : 'A') + sig.at(-1);
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
      const tokens: Record<string, string> = {
        tampered_payload: `${h}.${elevated}.${sig}`,
        tampered_signature: `${h}.${p}.${flipped}`,
        expired: await forge(s, { exp: now - 60 }),
        not_yet_valid: await forge(s, { nbf: now + 3600 }),
        alg_none: none,
        alg_none_with_signature: `${none}${sig}`,
        hs512_same_secret: await forge(s, { alg: 'HS512' }),
        wrong_issuer: await forge(s, { iss: 'someone-else' }),
        wrong_audience: await forge(s, { aud: 'another-api' }),
        // another user's session: the session must belong to the subject
        someone_elses_session: await forge(s, { sid: (decodeJwt(viewer.tokens.access_token) as { sid: string }).sid }),
        // a lifetime longer than ours (900 s): not a token we issued, however recent
        lifetime_beyond_the_ttl: await forge(s, { iat: now, nbf: now, exp: now + 2 * 900 }),
        garbage: 'not.a.jwt',
      };
      const accepted: string[] = [];
      for (const [what, token] of Object.entries(tokens)) {
        const res = await anon().get('/api/v1/users', bearer(token));
        if (res.status !== 401 || res.body.code !== 'AUTH_TOKEN_INVALID') accepted.push(`${what} → ${res.status} ${res.body.code}`);
      }
      expect(accepted).toEqual([]);
    });

    it('refuses a request carrying both a token and an API key', async () => {
      const s = await userWithSession('viewer');
      const res = await anon().get('/api/v1/integrations', { ...bearer(s.tokens.access_token), 'x-api-key': await sut.keyFor('viewer') });
      expect(res.status).toBe(401);
    });
  });

  describe('roles', () => {
    it('lets a viewer read but not write (403), and keeps user, key and audit management to admins', async () => {
      const viewer = sut.api('viewer');
      const operator = sut.api('operator');
      expect((await viewer.get('/api/v1/integrations')).status).toBe(200);
      const write = await viewer.post('/api/v1/integrations', integration('viewer-write'));
      expect(write.status).toBe(403);
      expect(write.body).toMatchObject({ code: 'FORBIDDEN', status: 403 });
      expect(write.headers.get('content-type')).toContain('application/problem+json');
      for (const [method, path] of [
        ['POST', '/api/v1/users'],
        ['GET', '/api/v1/users'],
        ['POST', '/api/v1/api-keys'],
        ['GET', '/api/v1/audit'],
      ] as const) {
        expect({ method, path, status: (await operator.raw(method, path, method === 'POST' ? {} : undefined)).status }).toEqual({ method, path, status: 403 });
      }
      expect((await operator.get('/api/v1/integrations')).status).toBe(200);
    });

    it('applies a demotion and a disabled account before the access token expires', async () => {
      const s = await userWithSession('operator');
      expect((await anon().get('/api/v1/integrations', bearer(s.tokens.access_token))).status).toBe(200);
      expect((await sut.api().raw('PATCH', `/api/v1/users/${s.id}`, { role: 'viewer' })).status).toBe(200);
      const asViewer = await anon().post('/api/v1/integrations', {}, bearer(s.tokens.access_token));
      expect(asViewer.status).toBe(403);
      expect((await sut.api().raw('PATCH', `/api/v1/users/${s.id}`, { disabled: true })).status).toBe(200);
      expect((await anon().get('/api/v1/integrations', bearer(s.tokens.access_token))).status).toBe(401);
      expect((await anon().post('/api/v1/auth/login', { username: s.username, password: s.password })).status).toBe(401);
    });

    it('keeps one admin when the last two are demoted, disabled or deleted at the same moment', async () => {
      type U = { id: string; username: string; role: string; disabled: boolean };
      const users = async () => (await sut.api().get('/api/v1/users')).body.items as U[];
      const bootstrap = (await users()).find((u) => u.username === 'admin')!;
      const changes: Array<[string, (id: string) => Promise<{ status: number }>]> = [
        ['demote', (id) => sut.api().raw('PATCH', `/api/v1/users/${id}`, { role: 'viewer' })],
        ['disable', (id) => sut.api().raw('PATCH', `/api/v1/users/${id}`, { disabled: true })],
        ['delete', (id) => sut.api().delete(`/api/v1/users/${id}`)],
      ];
      const outcomes: string[] = [];
      for (const [what, change] of changes) {
        for (let round = 0; round < 3; round++) {
          // exactly two active admin users, both fresh: the others demoted, the bootstrap one disabled meanwhile
          // (the harness's admin API key is not a user and stays admin)
          const fresh = await Promise.all([1, 2].map(async (n) => (await sut.api().post('/api/v1/users', { username: `race-${what}-${round}-${n}-${randomUUID().slice(0, 6)}`, password: `pw-${randomUUID()}`, role: 'admin' })).body.id as string));
          for (const u of (await users()).filter((x) => x.role === 'admin' && !x.disabled && !fresh.includes(x.id) && x.id !== bootstrap.id)) await sut.api().raw('PATCH', `/api/v1/users/${u.id}`, { role: 'viewer' });
          expect((await sut.api().raw('PATCH', `/api/v1/users/${bootstrap.id}`, { disabled: true })).status).toBe(200);
          const results = await Promise.all(fresh.map((id) => change(id)));
          const left = (await users()).filter((u) => u.role === 'admin' && !u.disabled).length;
          outcomes.push(`${what}: ${results.map((r) => r.status).sort().join('/')} → ${left} admin(s)`);
          expect((await sut.api().raw('PATCH', `/api/v1/users/${bootstrap.id}`, { disabled: false })).status).toBe(200);
        }
      }
      const expected = (what: string) => `${what}: ${what === 'delete' ? '204/409' : '200/409'} → 1 admin(s)`;
      expect(outcomes).toEqual(changes.flatMap(([what]) => [expected(what), expected(what), expected(what)]));
    }, 60000);

    it('keeps the last admin: it cannot be demoted, disabled or deleted', async () => {
      const users = (await sut.api().get('/api/v1/users')).body.items as Array<{ id: string; username: string; role: string; disabled: boolean }>;
      const admins = users.filter((u) => u.role === 'admin' && !u.disabled);
      // demote every other admin made by this suite, then try the last one
      for (const a of admins.filter((u) => u.username !== 'admin')) await sut.api().raw('PATCH', `/api/v1/users/${a.id}`, { role: 'viewer' });
      const admin = users.find((u) => u.username === 'admin')!;
      expect((await sut.api().raw('PATCH', `/api/v1/users/${admin.id}`, { role: 'viewer' })).body.code).toBe('USER_LAST_ADMIN');
      expect((await sut.api().raw('PATCH', `/api/v1/users/${admin.id}`, { disabled: true })).status).toBe(409);
      expect((await sut.api().delete(`/api/v1/users/${admin.id}`)).status).toBe(409);
    });
  });

  describe('API keys', () => {
    it('shows the key once, stores only a hash, and refuses it once revoked', async () => {
      const created = await sut.api().post('/api/v1/api-keys', { name: 'to-revoke', role: 'operator' });
      expect(created.status).toBe(201);
      const key = created.body.key as string;
      secrets.push(key);
      expect(key).toMatch(/^mcp_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      expect(key.startsWith(created.body.prefix)).toBe(true);
      const listed = await sut.api().get('/api/v1/api-keys');
      const mine = listed.body.items.find((k: any) => k.id === created.body.id);
      expect(mine).toMatchObject({ name: 'to-revoke', role: 'operator', prefix: created.body.prefix, revoked_at: null });
      expect(JSON.stringify(listed.body)).not.toContain(key.slice('mcp_0123456789abcdef_'.length));
      expect(Object.keys(mine)).not.toEqual(expect.arrayContaining(['key', 'secret_hash']));

      expect((await anon().get('/api/v1/integrations', { 'x-api-key': key })).status).toBe(200);
      expect((await sut.api().delete(`/api/v1/api-keys/${created.body.id}`)).status).toBe(204);
      const refused = await anon().get('/api/v1/integrations', { 'x-api-key': key });
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe('AUTH_TOKEN_INVALID');
      // a key with the right id and a wrong secret, and a malformed one
      expect((await anon().get('/api/v1/integrations', { 'x-api-key': `${created.body.prefix}_${'A'.repeat(43)}` })).status).toBe(401);
      expect((await anon().get('/api/v1/integrations', { 'x-api-key': 'mcp_nope' })).status).toBe(401);
    });

    it('refuses a key from the moment it expires, even right after a request accepted it', async () => {
      const expiresAt = Date.now() + 2500;
      const key = await sut.api().post('/api/v1/api-keys', { name: 'expiring', role: 'viewer', expires_at: new Date(expiresAt).toISOString() });
      expect(key.status).toBe(201);
      secrets.push(key.body.key);
      expect((await anon().get('/api/v1/integrations', { 'x-api-key': key.body.key })).status).toBe(200); // a positive verdict, now cached
      await new Promise((r) => setTimeout(r, expiresAt - Date.now() + 100));
      expect((await anon().get('/api/v1/integrations', { 'x-api-key': key.body.key })).status).toBe(401);
    });

    it('refuses an expired key and an expiry in the past', async () => {
      const past = await sut.api().post('/api/v1/api-keys', { name: 'past', role: 'viewer', expires_at: new Date(Date.now() - 1000).toISOString() });
      expect(past.status).toBe(400);
      const soon = await sut.api().post('/api/v1/api-keys', { name: 'soon', role: 'viewer', expires_at: new Date(Date.now() + 1500).toISOString() });
      expect(soon.status).toBe(201);
      secrets.push(soon.body.key);
      await waitFor(async () => (await anon().get('/api/v1/integrations', { 'x-api-key': soon.body.key })).status === 401, 15000, 500, 'the key to expire');
    });
  });

  describe('sessions', () => {
    it('rotates refresh tokens; reusing an old one ends the session', async () => {
      const s = await userWithSession('viewer');
      const first = await anon().post('/api/v1/auth/refresh', { refresh_token: s.tokens.refresh_token });
      expect(first.status).toBe(200);
      secrets.push(first.body.access_token, first.body.refresh_token);
      expect(first.body.refresh_token).not.toBe(s.tokens.refresh_token);
      const reuse = await anon().post('/api/v1/auth/refresh', { refresh_token: s.tokens.refresh_token });
      expect(reuse.status).toBe(401);
      // the theft is assumed: the rotated token and the session's access tokens are dead too
      expect((await anon().post('/api/v1/auth/refresh', { refresh_token: first.body.refresh_token })).status).toBe(401);
      expect((await anon().get('/api/v1/integrations', bearer(first.body.access_token))).status).toBe(401);
    });

    it('refuses the refresh token and the access token of a logged-out session', async () => {
      const s = await userWithSession('viewer');
      expect((await anon().post('/api/v1/auth/logout', { refresh_token: s.tokens.refresh_token })).status).toBe(204);
      const refresh = await anon().post('/api/v1/auth/refresh', { refresh_token: s.tokens.refresh_token });
      expect(refresh.status).toBe(401);
      expect(refresh.body.code).toBe('AUTH_TOKEN_INVALID');
      expect((await anon().get('/api/v1/integrations', bearer(s.tokens.access_token))).status).toBe(401);
    });
  });

  describe('rate limits and brute force', () => {
    it('slows down failed logins, answers 429 with Retry-After, then locks the username out even for the right password', async () => {
      const victim = await userWithSession('viewer');
      const from = '127.0.0.2';
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof callFrom>> | undefined;
      for (let i = 0; i < 6; i++) {
        last = await callFrom(from, sut.baseUrl, 'POST', '/api/v1/auth/login', { username: victim.username, password: `guess-${i}` });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
      expect(last!.body).toMatchObject({ status: 429, code: 'AUTH_LOCKED' });
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
      expect(last!.headers['content-type']).toContain('application/problem+json');
      const right = await callFrom('127.0.0.3', sut.baseUrl, 'POST', '/api/v1/auth/login', { username: victim.username, password: victim.password });
      expect(right.status).toBe(429);
      // other users are not locked by it
      expect((await sut.login()).access_token).toBeTruthy();
    }, 60000);

    it('locks out a client address that tries many usernames', async () => {
      const from = '127.0.0.4';
      const statuses: number[] = [];
      for (let i = 0; i < 21; i++) statuses.push((await callFrom(from, sut.baseUrl, 'POST', '/api/v1/auth/login', { username: `spray-${i}`, password: 'Winter2026!' })).status);
      expect(statuses.slice(0, 19).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(19)).toEqual([429, 429]);
      const user = await callFrom(from, sut.baseUrl, 'POST', '/api/v1/auth/login', { username: 'admin', password: sut.adminPassword });
      expect(user.status).toBe(429);
    }, 120000);

    it('limits requests per identity with 429 problem+json and Retry-After; other identities go on', async () => {
      const key = (await sut.api().post('/api/v1/api-keys', { name: 'hammer', role: 'viewer' })).body.key as string;
      secrets.push(key);
      let limited: Awaited<ReturnType<typeof callFrom>> | undefined;
      for (let i = 0; i < PER_IDENTITY * 3 && !limited; i++) {
        const r = await callFrom('127.0.0.5', sut.baseUrl, 'GET', '/api/v1/users', undefined, { 'x-api-key': key });
        if (r.status === 429) limited = r;
      }
      expect(limited).toBeDefined();
      expect(limited!.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
      expect((await callFrom('127.0.0.5', sut.baseUrl, 'GET', '/api/v1/integrations', undefined, { 'x-api-key': await sut.keyFor('viewer') })).status).toBe(200);
    }, 120000);

    it('limits requests per client address, before authentication', async () => {
      let limited: Awaited<ReturnType<typeof callFrom>> | undefined;
      for (let i = 0; i < PER_ADDRESS * 3 && !limited; i++) {
        const r = await callFrom('127.0.0.6', sut.baseUrl, 'GET', '/api/v1/integrations');
        if (r.status === 429) limited = r;
        else expect(r.status).toBe(401);
      }
      expect(limited!.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
      // probes are never limited
      expect((await callFrom('127.0.0.6', sut.baseUrl, 'GET', '/health/live')).status).toBe(200);
    }, 120000);
  });

  describe('login lockout under concurrency', () => {
    const MAX_FAILURES = 5;
    /** Password verifications (argon2) a gateway has run: the guesses it actually evaluated. */
    async function verifications(urls: string[]): Promise<number> {
      let total = 0;
      for (const url of urls) total += Number(/^auth_password_verifications_total (\d+)/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? 0);
      return total;
    }

    /**
     * `size` logins for one fresh user at once, all wrong but one (the right password is sent last), spread over
     * `urls` round robin, each from an address of its own (so that only the username's count is in play).
     */
    async function burst(size: number, urls: string[], net: number) {
      const victim = await userWithSession('viewer');
      const before = await verifications(urls);
      const results = await Promise.all(
        Array.from({ length: size }, (_, i) =>
          callFrom(`127.${net}.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`, urls[i % urls.length], 'POST', '/api/v1/auth/login', { username: victim.username, password: i === size - 1 ? victim.password : `guess-${i}` }),
        ),
      );
      const evaluated = (await verifications(urls)) - before;
      const statuses = results.map((r) => r.status);
      const after = await callFrom(`127.${net}.9.1`, urls[0], 'POST', '/api/v1/auth/login', { username: victim.username, password: victim.password });
      return { evaluated, statuses, succeeded: statuses.filter((s) => s === 200).length, after: after.status };
    }

    function expectAtMostTheLimit(r: Awaited<ReturnType<typeof burst>>) {
      expect(r.statuses.filter((s) => ![200, 401, 429].includes(s))).toEqual([]);
      expect(r.evaluated).toBeLessThanOrEqual(MAX_FAILURES);
      expect(r.succeeded).toBeLessThanOrEqual(1);
      // Without a success every slot went to a wrong guess: the limit was reached and the account is locked,
      // so the right password gets no token either.
      if (r.succeeded === 0) {
        expect(r.evaluated).toBe(MAX_FAILURES);
        expect(r.after).toBe(429);
      }
    }

    it.each([60, 200])('evaluates at most the limit of guesses in %i parallel logins on one gateway', async (size) => {
      expectAtMostTheLimit(await burst(size, [sut.baseUrl], size === 60 ? 20 : 21));
    }, 120000);

    if (MODE === 'distributed') {
      it('holds the limit across two gateway replicas', async () => {
        const replica = await sut.spawnReplica('gateway');
        try {
          const urls = [sut.baseUrl, `http://127.0.0.1:${replica.port}`];
          for (const [size, net] of [[60, 22], [200, 23]]) expectAtMostTheLimit(await burst(size, urls, net));
        } finally {
          await sut.stopReplica(replica);
        }
      }, 180000);
    }
  });

  describe('OIDC', () => {
    it('accepts tokens of the configured issuer with roles from the mapped claim', async () => {
      const ops = await idp.sign({ sub: 'oidc-ops', groups: ['mcp-ops', 'unrelated'], preferred_username: 'olga' });
      secrets.push(ops);
      expect((await anon().get('/api/v1/integrations', bearer(ops))).status).toBe(200);
      expect((await anon().post('/api/v1/integrations', {}, bearer(ops))).status).toBe(400); // operator may write: the body is what is wrong
      expect((await anon().get('/api/v1/users', bearer(ops))).status).toBe(403);
      const admin = await idp.sign({ sub: 'oidc-admin', groups: ['mcp-admins'] });
      expect((await anon().get('/api/v1/users', bearer(admin))).status).toBe(200);
    });

    it('refuses an unknown signing key, a wrong audience, an expired token, HS256 with the issuer and a token without a mapped role', async () => {
      const cases: Record<string, [string, number]> = {
        impostor_key: [await idp.sign({ groups: ['mcp-admins'] }, { key: 'impostor' }), 401],
        wrong_audience: [await idp.sign({ groups: ['mcp-admins'] }, { audience: 'someone-else' }), 401],
        expired: [await idp.sign({ groups: ['mcp-admins'] }, { expiresIn: '-1m' }), 401],
        hs256_claiming_the_issuer: [
          await new SignJWT({ groups: ['mcp-admins'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer(idp.issuer).setAudience(OIDC_AUDIENCE).setExpirationTime('5m').sign(new TextEncoder().encode(sut.jwtSecret())),
          401,
        ],
        no_role: [await idp.sign({ groups: ['nobody'] }), 403],
      };
      for (const [what, [token, status]] of Object.entries(cases)) {
        expect({ what, status: (await anon().get('/api/v1/integrations', bearer(token))).status }).toEqual({ what, status });
      }
    });
  });

  describe('audit', () => {
    it('records who did what, with the correlation id, and only admins read it', async () => {
      const cid = `audit-${randomUUID()}`;
      const created = await sut.api('operator').post('/api/v1/integrations', integration(`audited-${cid.slice(-8)}`), { 'x-correlation-id': cid });
      expect(created.status).toBe(201);
      await sut.api('viewer').post('/api/v1/integrations', {}, { 'x-correlation-id': `${cid}-denied` });
      const page = await sut.api().get(`/api/v1/audit?correlation_id=${cid}`);
      expect(page.status).toBe(200);
      expect(page.body.items).toHaveLength(1);
      expect(page.body.items[0]).toMatchObject({ actor_kind: 'api_key', actor_name: 'e2e-operator', role: 'operator', method: 'POST', path: '/api/v1/integrations', status: 201, correlation_id: cid, client_address: '127.0.0.1' });
      const denied = await sut.api().get(`/api/v1/audit?correlation_id=${cid}-denied`);
      expect(denied.body.items[0]).toMatchObject({ role: 'viewer', status: 403 });
      secrets.push('wrong-password-for-audit');
      expect((await anon().post('/api/v1/auth/login', { username: 'admin', password: 'wrong-password-for-audit' })).status).toBe(401);
      expect((await anon().post('/api/v1/auth/login', { username: 'nobody', password: 'wrong-password-for-audit' })).status).toBe(401);
      const failedLogins = await sut.api().get('/api/v1/audit?path=/api/v1/auth/login&status=401&limit=2');
      expect(failedLogins.body.items.length).toBeGreaterThan(0);
      expect(failedLogins.body.items[0]).toMatchObject({ actor_kind: 'anonymous', method: 'POST' });
      expect(failedLogins.body.next_cursor).toMatch(/^\d+$/);
      expect((await anon().post('/api/v1/auth/login', { username: 'admin', password: sut.adminPassword }, { 'x-correlation-id': `${cid}-login` })).status).toBe(200);
      const login = await sut.api().get(`/api/v1/audit?correlation_id=${cid}-login`);
      expect(login.body.items[0]).toMatchObject({ actor_kind: 'user', actor_name: 'admin', role: 'admin', path: '/api/v1/auth/login', status: 200 });
      expect((await sut.api('operator').get('/api/v1/audit')).status).toBe(403);
    });
  });

  describe('live events', () => {
    it('delivers a published event within a second, and resumes after a reconnect from Last-Event-ID', async () => {
      const key = await sut.keyFor('viewer');
      const url = `${sut.baseUrl}/api/v1/events/stream?subjects=integration.created,fleet.resource.*`;
      const first = openStream(url, { 'x-api-key': key });
      await first.ready();
      expect(first.status).toBe(200);
      expect(first.contentType).toContain('text/event-stream');
      const name = `sse-${randomUUID().slice(0, 8)}`;
      const a = await sut.api().post('/api/v1/integrations', integration(`${name}-a`));
      await waitFor(() => first.messages.some((m) => m.data.subject === a.body.id), 1000, 10, 'the integration.created event on the stream');
      const seen = first.messages.find((m) => m.data.subject === a.body.id)!;
      expect(seen.event).toBe('integration.created');
      expect(seen.id).toMatch(/^\d+$/);
      expect(seen.data).toMatchObject({ specversion: '1.0', type: 'integration.created', subject: a.body.id });
      first.close();

      // while disconnected: one more created (on the stream) and one updated (not asked for)
      const b = await sut.api().post('/api/v1/integrations', integration(`${name}-b`));
      const again = openStream(url, { 'x-api-key': key, 'last-event-id': seen.id! });
      await again.ready();
      await waitFor(() => again.messages.some((m) => m.data.subject === b.body.id), 5000, 20, 'the missed event after reconnecting');
      expect(again.messages.some((m) => m.data.subject === a.body.id)).toBe(false);
      expect(again.messages.every((m) => m.event === 'integration.created' && Number(m.id) > Number(seen.id))).toBe(true);
      again.close();
    });

    it('opens at a position, so a client that drops before its first event resumes from it and misses nothing', async () => {
      const key = await sut.keyFor('viewer');
      const url = `${sut.baseUrl}/api/v1/events/stream?subjects=integration.created`;
      const first = openStream(url, { 'x-api-key': key });
      await first.ready();
      expect(first.position).toMatch(/^\d+$/);
      first.close(); // dropped before any event arrived
      const missed = await sut.api().post('/api/v1/integrations', integration(`sse-pos-${randomUUID().slice(0, 8)}`));
      const again = openStream(url, { 'x-api-key': key, 'last-event-id': first.position! });
      await again.ready();
      await waitFor(() => again.messages.some((m) => m.data.subject === missed.body.id), 5000, 20, 'the event published while disconnected');
      expect(again.messages.every((m) => Number(m.id) > Number(first.position))).toBe(true);
      again.close();
    });

    it('refuses patterns outside the event domains, a bad Last-Event-ID and anonymous callers', async () => {
      const key = await sut.keyFor('viewer');
      expect((await anon().get('/api/v1/events/stream?subjects=rpc.integration.get', { 'x-api-key': key })).status).toBe(400);
      expect((await anon().get('/api/v1/events/stream?subjects=fleet.>.x', { 'x-api-key': key })).status).toBe(400);
      expect((await anon().get('/api/v1/events/stream', { 'x-api-key': key, 'last-event-id': 'abc' })).status).toBe(400);
      expect((await anon().get('/api/v1/events/stream')).status).toBe(401);
    });
  });

  describe('hardening', () => {
    it('sends security headers and a strict CSP on the API, and one under which Swagger UI loads its own scripts and styles', async () => {
      const res = await anon().get('/api/v1/integrations');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('cache-control')).toBe('no-store');

      const ui = await fetch(`${sut.baseUrl}/api/docs`);
      const html = await ui.text();
      const csp = ui.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain("script-src 'self' 'unsafe-inline'");
      // every script and stylesheet is same-origin (allowed by 'self'); no inline script (it would be blocked)
      const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attrs, body] of scripts) {
        expect(attrs).toMatch(/src="\.\/docs\/[\w.-]+\.js"/);
        expect(body.trim()).toBe('');
      }
      for (const [, href] of html.matchAll(/<link[^>]+href="([^"]+)"/g)) expect(href).toMatch(/^\.\//);
      for (const [, src] of scripts.map((s) => /src="\.\/([^"]+)"/.exec(s[1])!)) {
        const asset = await fetch(`${sut.baseUrl}/api/${src}`);
        expect({ src, status: asset.status }).toEqual({ src, status: 200 });
        expect(asset.headers.get('content-type')).toContain('javascript');
      }
    });

    it('declares bearer and API-key schemes in the OpenAPI document; public operations need none', async () => {
      const doc = (await anon().get('/api/docs-json')).body;
      expect(doc.components.securitySchemes).toMatchObject({ bearer: { type: 'http', scheme: 'bearer' }, 'api-key': { type: 'apiKey', in: 'header', name: 'X-API-Key' } });
      expect(doc.security).toEqual(expect.arrayContaining([{ bearer: [] }, { 'api-key': [] }]));
      expect(doc.paths['/api/v1/auth/login'].post.security).toEqual([]);
      expect(doc.paths['/api/v1/users'].post['x-permission']).toBe('UsersManage');
    });

    it('answers CORS preflights only for configured origins (none here)', async () => {
      const res = await fetch(`${sut.baseUrl}/api/v1/integrations`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('secrets', () => {
    it('never returns a password or its hash', async () => {
      const users = await sut.api().get('/api/v1/users');
      const text = JSON.stringify(users.body);
      expect(text).not.toMatch(/password|argon2/);
      for (const s of secrets) expect(text).not.toContain(s);
    });

    it('never writes a password, API key or token to any process log', async () => {
      const logs = sut.allLogs();
      expect(logs.length).toBeGreaterThan(0);
      expect(secrets.length).toBeGreaterThan(10);
      for (const s of secrets) expect(logs.includes(s) ? s : 'absent').toBe('absent');
      // nor the secret part of any key (43 characters after `mcp_<16 hex>_`; it may itself contain `_`)
      for (const s of secrets.filter((x) => x.startsWith('mcp_'))) expect(logs).not.toContain(s.slice('mcp_0123456789abcdef_'.length));
    });
  });
});
