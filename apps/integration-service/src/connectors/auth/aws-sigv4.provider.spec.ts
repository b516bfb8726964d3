import { createHash, createHmac } from 'node:crypto';
import { AuthConfigDto } from '@app/contracts';
import { OutboundHttp } from '../http/outbound-http';
import { HttpPeer, RecordedRequest } from '../../../../../test/support/connectors/http-peer';
import { AwsSigV4AuthProvider } from './aws-sigv4.provider';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/**
 * An independent SigV4 verifier (the algorithm written out from the AWS docs, not the signer under test):
 * rebuilds the canonical request from what arrived on the wire and recomputes the signature.
 */
function verifySigV4(req: RecordedRequest, secret: string): { ok: boolean; scope: string[]; signedHeaders: string[] } {
  const m = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(String(req.headers.authorization));
  if (!m) return { ok: false, scope: [], signedHeaders: [] };
  const [, credential, signedHeadersRaw, signature] = m;
  const [, date, region, service, terminator] = credential.split('/');
  const signedHeaders = signedHeadersRaw.split(';');
  const url = new URL(req.url, 'http://placeholder');
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const query = [...url.searchParams].map(([k, v]) => [enc(k), enc(v)]).sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('&');
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${String(req.headers[h]).trim().replace(/\s+/g, ' ')}\n`).join('');
  const sha = (d: string | Buffer) => createHash('sha256').update(d).digest('hex');
  const canonicalRequest = [req.method, url.pathname.split('/').map((s) => enc(enc(decodeURIComponent(s)))).join('/'), query, canonicalHeaders, signedHeadersRaw, sha(req.body)].join('\n');
  const amzDate = String(req.headers['x-amz-date']);
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, `${date}/${region}/${service}/${terminator}`, sha(canonicalRequest)].join('\n');
  const hmac = (k: string | Buffer, d: string) => createHmac('sha256', k).update(d).digest();
  const kSigning = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  const expected = createHmac('sha256', kSigning).update(stringToSign).digest('hex');
  return { ok: expected === signature, scope: [date, region, service, terminator], signedHeaders };
}

describe('AwsSigV4AuthProvider against a peer that recomputes the signature', () => {
  let peer: HttpPeer;
  let http: OutboundHttp;
  const auth = {
    type: 'AWS_SIG_V4',
    access_key_id: 'AKIDEXAMPLE',
    secret_access_key: SECRET,
    session_token: 'session-tok',
    service: 'execute-api',
    region: 'eu-west-1',
  } as AuthConfigDto;

  beforeAll(async () => {
    peer = await HttpPeer.start((req, res) => {
      const v = verifySigV4(req, SECRET);
      res.writeHead(v.ok ? 200 : 403).end();
    });
    http = new OutboundHttp({ policy: { allow: ['127.0.0.0/8'] }, timeoutMs: 3000 });
  });
  afterEach(() => {
    peer.requests.length = 0;
  });
  afterAll(async () => {
    await http.close();
    await peer.stop();
  });

  const send = (body: string | undefined, a: AuthConfigDto = auth, path = '/prod/items?b=2&a=x%20y') =>
    http.request(
      { method: body ? 'POST' : 'GET', url: peer.url(path), headers: body ? { 'content-type': 'application/json' } : {}, body },
      { authorize: (r) => new AwsSigV4AuthProvider().apply(r, { auth: a, http, now: () => Date.now() }) },
    );

  it('signs a POST with a body so the receiver verifies it, with the session token and the configured scope', async () => {
    const res = await send('{"hello":"wörld"}');
    expect(res.status).toBe(200);
    const got = peer.requests[0];
    const v = verifySigV4(got, SECRET);
    expect(v.ok).toBe(true);
    expect(v.scope.slice(1)).toEqual(['eu-west-1', 'execute-api', 'aws4_request']);
    expect(v.signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'content-type']));
    expect(got.headers['x-amz-security-token']).toBe('session-tok');
    expect(got.body.toString()).toBe('{"hello":"wörld"}');
  });

  it('signs a GET with a query string', async () => {
    expect((await send(undefined)).status).toBe(200);
  });

  it('fails verification with the wrong secret (the check can fail)', async () => {
    const res = await send('{}', { ...auth, secret_access_key: 'not-the-secret' } as AuthConfigDto);
    expect(res.status).toBe(403);
    expect(verifySigV4(peer.requests[0], SECRET).ok).toBe(false);
  });

  it('requires keys, service and region', () => {
    expect(new AwsSigV4AuthProvider().validate({ type: 'AWS_SIG_V4', access_key_id: 'x' } as AuthConfigDto).map((e) => e.field)).toEqual([
      'secret_access_key',
      'service',
      'region',
    ]);
  });
});
