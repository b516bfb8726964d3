import { createServer } from 'node:https';
import { TLSSocket } from 'node:tls';
import { AuthConfigDto } from '@app/contracts';
import { ConnectorError } from '../connector.port';
import { OutboundHttp } from '../http/outbound-http';
import { HttpPeer } from '../../../../../test/support/connectors/http-peer';
import { makeTestPki, TestPki } from '../../../../../test/support/connectors/test-pki';
import { CertificateAuthProvider } from './certificate.provider';

describe('CertificateAuthProvider (mutual TLS) against an HTTPS server that demands a client certificate', () => {
  let pki: TestPki;
  let peer: HttpPeer;
  const clientNames: string[] = [];
  const provider = new CertificateAuthProvider();
  const clients: OutboundHttp[] = [];

  beforeAll(async () => {
    pki = makeTestPki();
    const server = createServer({ key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: true });
    server.on('secureConnection', (s: TLSSocket) => clientNames.push(String(s.getPeerCertificate().subject?.CN)));
    peer = await HttpPeer.start((_req, res) => res.end('hello mtls'), server);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await peer.stop();
  });

  /** Test DNS: every name resolves to the loopback peer; the guard still checks the answer. */
  const lookup = async () => ['127.0.0.1'];
  const client = (auth: Partial<AuthConfigDto>) => {
    const c = new OutboundHttp({ policy: { allow: ['127.0.0.0/8'] }, timeoutMs: 3000, tls: provider.tlsOptions(auth as AuthConfigDto), lookup });
    clients.push(c);
    return c;
  };
  const full = () => ({ type: 'CERTIFICATE', certificate: pki.clientCert, private_key: pki.clientKeyEncrypted, passphrase: pki.clientPassphrase, ca: pki.ca }) as AuthConfigDto;

  it('presents the client certificate (encrypted key + passphrase) and trusts the given CA', async () => {
    const res = await client(full()).request({ method: 'GET', url: peer.url('/'), headers: {} });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello mtls');
    expect(clientNames).toContain('aws-mcp-client');
  });

  it('is refused by the server without a client certificate', async () => {
    const err = await client({ ca: pki.ca })
      .request({ method: 'GET', url: peer.url('/'), headers: {} })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
  });

  it('refuses a server whose CA it was not given', async () => {
    const err = await client({ ...full(), ca: undefined })
      .request({ method: 'GET', url: peer.url('/'), headers: {} })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as Error).message).toMatch(/CERT|certificate|SELF_SIGNED|UNABLE/i);
  });

  it('verifies the server certificate against the host name, although the socket goes to the resolved IP', async () => {
    const byName = await client(full()).request({ method: 'GET', url: `https://mtls.test:${peer.port}/`, headers: {} });
    expect(byName.status).toBe(200);
    const err = await client(full())
      .request({ method: 'GET', url: `https://impostor.test:${peer.port}/`, headers: {} })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as Error).message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID|altname|Hostname/i);
  });

  it('validates PEMs and the passphrase up front', () => {
    expect(provider.validate(full())).toEqual([]);
    expect(provider.validate({ ...full(), passphrase: 'wrong' }).map((e) => e.field)).toEqual(['private_key']);
    expect(provider.validate({ ...full(), certificate: 'not a pem', ca: 'nope' }).map((e) => e.field)).toEqual(['certificate', 'ca']);
    expect(provider.validate({ type: 'CERTIFICATE' } as AuthConfigDto).map((e) => e.field)).toEqual(['certificate', 'private_key']);
  });
});
