import { AuthConfigDto } from '@app/contracts';
import { ConnectorError } from '../connector.port';
import { OutboundHttp } from '../http/outbound-http';
import { HttpPeer } from '../../../../../test/support/connectors/http-peer';
import { OAuth2AuthProvider } from './oauth2.provider';

describe('OAuth2AuthProvider (client credentials) against a local token endpoint', () => {
  let tokenServer: HttpPeer;
  let api: HttpPeer;
  let http: OutboundHttp;
  let issued = 0;
  let auth: AuthConfigDto;

  beforeAll(async () => {
    tokenServer = await HttpPeer.start((req, res) => {
      const basic = Buffer.from(String(req.headers.authorization).replace(/^Basic /, ''), 'base64').toString();
      const form = new URLSearchParams(req.body.toString());
      if (basic !== 'client%3A1:s%26cret' || form.get('grant_type') !== 'client_credentials') {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client","echo":"s&cret"}');
        return;
      }
      issued++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ access_token: `tok-${issued}`, token_type: 'bearer', expires_in: 3600, scope: form.get('scope') }),
      );
    });
    api = await HttpPeer.start((req, res) => res.end());
    http = new OutboundHttp({ policy: { allow: ['127.0.0.0/8'] }, timeoutMs: 3000 });
  });
  beforeEach(() => {
    issued = 0;
    tokenServer.requests.length = 0;
    api.requests.length = 0;
    auth = {
      type: 'OAUTH2',
      client_id: 'client:1',
      client_secret: 's&cret',
      token_url: tokenServer.url('/oauth/token'),
      scopes: ['read', 'write'],
      audience: 'https://api.example',
    } as AuthConfigDto;
  });
  afterAll(async () => {
    await http.close();
    await tokenServer.stop();
    await api.stop();
  });

  const call = (p: OAuth2AuthProvider, now: () => number = Date.now) =>
    http.request({ method: 'GET', url: api.url('/r'), headers: {} }, { authorize: (r) => p.apply(r, { auth, http, now }) });

  it('fetches a token with scopes and audience and sends it as a Bearer token', async () => {
    const p = new OAuth2AuthProvider();
    await call(p);
    const form = new URLSearchParams(tokenServer.requests[0].body.toString());
    expect(form.get('scope')).toBe('read write');
    expect(form.get('audience')).toBe('https://api.example');
    expect(tokenServer.requests[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(api.requests[0].headers.authorization).toBe('Bearer tok-1');
  });

  it('caches the token and shares one token request between concurrent calls', async () => {
    const p = new OAuth2AuthProvider();
    await Promise.all([call(p), call(p), call(p)]);
    await call(p);
    expect(tokenServer.requests).toHaveLength(1);
    expect(api.requests.map((r) => r.headers.authorization)).toEqual(Array(4).fill('Bearer tok-1'));
  });

  it('refreshes shortly before expiry (60 s early for a one-hour token)', async () => {
    const p = new OAuth2AuthProvider();
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    let now = t0;
    await call(p, () => now);
    now = t0 + (3600 - 61) * 1000;
    await call(p, () => now);
    expect(tokenServer.requests).toHaveLength(1);
    now = t0 + (3600 - 59) * 1000;
    await call(p, () => now);
    expect(tokenServer.requests).toHaveLength(2);
    expect(api.requests[2].headers.authorization).toBe('Bearer tok-2');
  });

  it('fetches a new token after invalidate (e.g. on 401)', async () => {
    const p = new OAuth2AuthProvider();
    await call(p);
    p.invalidate(auth);
    await call(p);
    expect(api.requests.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  it('reports a rejected client as a non-retryable error without echoing the response body', async () => {
    auth.client_secret = 'wrong';
    const err = await call(new OAuth2AuthProvider()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).retryable).toBe(false);
    expect((err as Error).message).toBe('OAuth2 token request failed with HTTP 401: invalid_client');
    expect(api.requests).toHaveLength(0);
  });

  it('requires client_id, client_secret and token_url', () => {
    expect(new OAuth2AuthProvider().validate({ type: 'OAUTH2' } as AuthConfigDto).map((e) => e.field)).toEqual([
      'client_id',
      'client_secret',
      'token_url',
    ]);
  });
});
