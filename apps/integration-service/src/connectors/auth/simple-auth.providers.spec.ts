import { AuthConfigDto } from '@app/contracts';
import { OutboundHttp } from '../http/outbound-http';
import { HttpPeer } from '../../../../../test/support/connectors/http-peer';
import { AuthProvider } from './auth-provider';
import { ApiKeyAuthProvider, BasicAuthProvider, BearerTokenAuthProvider, NoneAuthProvider } from './simple-auth.providers';

const auth = (a: Partial<AuthConfigDto>) => a as AuthConfigDto;

describe('simple auth providers against a real peer', () => {
  let peer: HttpPeer;
  let http: OutboundHttp;

  beforeAll(async () => {
    peer = await HttpPeer.start();
    http = new OutboundHttp({ policy: { allow: ['127.0.0.0/8'] }, timeoutMs: 3000 });
  });
  afterEach(() => {
    peer.requests.length = 0;
  });
  afterAll(async () => {
    await http.close();
    await peer.stop();
  });

  const send = async (provider: AuthProvider, a: AuthConfigDto, path = '/x?keep=1') => {
    await http.request(
      { method: 'GET', url: peer.url(path), headers: {} },
      { authorize: (r) => provider.apply(r, { auth: a, http }) },
    );
    return peer.requests[peer.requests.length - 1];
  };

  it('NONE adds nothing', async () => {
    const got = await send(new NoneAuthProvider(), auth({ type: 'NONE' as never }));
    expect(got.headers.authorization).toBeUndefined();
    expect(got.url).toBe('/x?keep=1');
  });

  it('API_KEY goes into X-API-Key by default', async () => {
    const got = await send(new ApiKeyAuthProvider(), auth({ api_key: 'k-123' }));
    expect(got.headers['x-api-key']).toBe('k-123');
  });

  it('API_KEY goes into a named header', async () => {
    const got = await send(new ApiKeyAuthProvider(), auth({ api_key: 'k-123', name: 'X-Token', in: 'header' }));
    expect(got.headers['x-token']).toBe('k-123');
    expect(got.headers['x-api-key']).toBeUndefined();
  });

  it('API_KEY goes into a query parameter, encoded, keeping the others', async () => {
    const got = await send(new ApiKeyAuthProvider(), auth({ api_key: 'a b&c', name: 'key', in: 'query' }));
    const url = new URL(got.url, 'http://x');
    expect(url.searchParams.get('key')).toBe('a b&c');
    expect(url.searchParams.get('keep')).toBe('1');
    expect(got.headers['x-api-key']).toBeUndefined();
  });

  it('BASIC sends RFC 7617 credentials the server can decode (colon allowed in the password)', async () => {
    const got = await send(new BasicAuthProvider(), auth({ username: 'ops', password: 'pa:ss wörd' }));
    const [scheme, b64] = (got.headers.authorization as string).split(' ');
    expect(scheme).toBe('Basic');
    expect(Buffer.from(b64, 'base64').toString('utf8')).toBe('ops:pa:ss wörd');
  });

  it('BEARER_TOKEN sends the token', async () => {
    const got = await send(new BearerTokenAuthProvider(), auth({ token: 'tok.en' }));
    expect(got.headers.authorization).toBe('Bearer tok.en');
  });

  it('each provider names its missing fields', () => {
    expect(new BasicAuthProvider().validate(auth({ username: 'u' }))).toEqual([{ field: 'password', message: expect.any(String) }]);
    expect(new BasicAuthProvider().validate(auth({ username: 'a:b', password: 'p' }))).toEqual([{ field: 'username', message: expect.any(String) }]);
    expect(new BearerTokenAuthProvider().validate(auth({ token: '  ' }))).toEqual([{ field: 'token', message: expect.any(String) }]);
    expect(new ApiKeyAuthProvider().validate(auth({ name: 'bad name' })).map((e) => e.field)).toEqual(['api_key', 'name']);
    expect(new NoneAuthProvider().validate()).toEqual([]);
  });
});
