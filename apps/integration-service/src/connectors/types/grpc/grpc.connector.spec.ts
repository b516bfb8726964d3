import { Metadata, Server, ServerCredentials, ServerUnaryCall, sendUnaryData, ServiceDefinition, status } from '@grpc/grpc-js';
import { AuthType } from '@app/contracts';
import { freePort } from '../../../../../../test/support/ports';
import { testContext, testMessage } from '../../../../../../test/support/connector-context';
import { makeTestPki, TestPki } from '../../../../../../test/support/connectors/test-pki';
import { rebindingDns } from '../../../../../../test/support/connectors/rebinding-dns';
import { OutboundGuard } from '../../http/outbound-guard';
import { GrpcConnector, grpcPlugin, pinnedTarget } from './grpc.connector';
import { HEALTH_PROTO, loadProtoText } from './proto-text';
import { renderTemplate } from './request-template';

const PROTO = `
syntax = "proto3";
package demo.v1;
import "google/protobuf/timestamp.proto";
message Payload { string instance = 1; int32 count = 2; }
message NotifyRequest {
  string id = 1;
  string kind = 2;
  Payload payload = 3;
  int32 attempt = 4;
  string summary = 5;
  google.protobuf.Timestamp at = 6;
}
message NotifyReply { bool accepted = 1; }
service Notifier {
  rpc Notify(NotifyRequest) returns (NotifyReply);
  rpc Follow(NotifyRequest) returns (stream NotifyReply);
}
`;

interface Received {
  request: Record<string, unknown>;
  metadata: Metadata;
  /** The :authority the call came with. */
  host: string;
}

/** A real grpc-js server with the demo service and grpc.health.v1; `health` sets what Check answers. */
async function startServer(creds = ServerCredentials.createInsecure()) {
  const received: Received[] = [];
  const health = { status: 'SERVING' };
  const server = new Server();
  const demo = loadProtoText(PROTO)['demo.v1.Notifier'] as ServiceDefinition;
  const healthSvc = loadProtoText(HEALTH_PROTO)['grpc.health.v1.Health'] as ServiceDefinition;
  server.addService(demo, {
    Notify: (call: ServerUnaryCall<Record<string, unknown>, unknown>, cb: sendUnaryData<unknown>) => {
      received.push({ request: call.request, metadata: call.metadata, host: call.getHost() });
      const kind = call.request.kind;
      if (kind === 'unavailable') return cb({ code: status.UNAVAILABLE, details: 'try later' });
      if (kind === 'invalid') return cb({ code: status.INVALID_ARGUMENT, details: 'bad payload' });
      if (kind === 'slow') return void setTimeout(() => cb(null, { accepted: true }), 1500);
      cb(null, { accepted: true });
    },
    Follow: () => undefined,
  });
  server.addService(healthSvc, {
    Check: (_call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) => cb(null, { status: health.status }),
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', creds, (err, p) => (err ? reject(err) : resolve(p))));
  return { server, port, received, health };
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => server.tryShutdown(() => resolve()));
}

describe('GRPC connector against a grpc-js server', () => {
  let plain: Awaited<ReturnType<typeof startServer>>;
  const open: GrpcConnector[] = [];
  const make = (connection: Record<string, unknown>, auth?: Record<string, unknown>, timeoutMs = 2000) => {
    const c = grpcPlugin.create(
      testContext({ type: 'GRPC', auth, timeoutMs, connection: { proto: PROTO, service: 'demo.v1.Notifier', method: 'Notify', address: `127.0.0.1:${plain.port}`, ...connection } }),
    ) as GrpcConnector;
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    plain = await startServer();
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await stop(plain.server);
  });

  describe('validateConnection', () => {
    const base = { proto: PROTO, service: 'demo.v1.Notifier', method: 'Notify', address: 'grpc.example.com:443' };
    it('accepts a good connection', () => {
      expect(grpcPlugin.validateConnection(base)).toEqual([]);
    });
    it.each([
      [{ address: 'no-port' }, 'address'],
      [{ service: 'Notifier' }, 'service'],
      [{ method: 'Nope' }, 'method'],
      [{ method: 'Follow' }, 'method'],
      [{ proto: 'syntax = "proto3"; message {' }, 'proto'],
      [{ proto: 'syntax = "proto3"; import "/etc/passwd"; service S {}' }, 'proto'],
      [{ proto: 'syntax = "proto3"; import "../../secrets.proto";' }, 'proto'],
      [{ request_template: 'x' }, 'request_template'],
    ])('refuses %j', (patch, field) => {
      expect(grpcPlugin.validateConnection({ ...base, ...patch }).map((e) => e.field)).toEqual([field]);
    });
  });

  it('renders templates: whole placeholders keep their type, partial ones interpolate', () => {
    const scope = { event: { id: 'e1', data: { n: 3, tags: ['a'] } }, attempt: 2 };
    expect(renderTemplate({ a: '{{event.data}}', b: 'id={{ event.id }}/{{attempt}}', c: ['{{event.data.n}}', '{{missing}}'], d: '{{missing}}', e: 7 }, scope)).toEqual({
      a: { n: 3, tags: ['a'] },
      b: 'id=e1/2',
      c: [3],
      e: 7,
    });
  });

  it('calls the unary method with the request mapped from the event, plus delivery metadata and a bearer token', async () => {
    const c = make(
      { request_template: { id: '{{event.id}}', kind: 'ok', payload: '{{event.data}}', attempt: '{{attempt}}', summary: '{{event.type}} on {{event.subject}}' } },
      { type: AuthType.BEARER_TOKEN, token: 'tok-123' },
    );
    await c.initialize();
    const m = testMessage({ instance: 'i-42', count: 5 });
    const before = plain.received.length;
    expect(await c.send(m)).toMatchObject({ ok: true, statusCode: status.OK });
    const got = plain.received[before];
    expect(got.request).toMatchObject({ id: m.event.id, kind: 'ok', payload: { instance: 'i-42', count: 5 }, attempt: 1, summary: 'fleet.resource.discovered on i-123' });
    expect(got.metadata.get('authorization')).toEqual(['Bearer tok-123']);
    expect(got.metadata.get('x-delivery-id')).toEqual([m.deliveryId]);
    expect(got.metadata.get('ce-id')).toEqual([m.event.id]);
  });

  it('without a template sends the event data; API_KEY goes into metadata', async () => {
    const c = make({}, { type: AuthType.API_KEY, api_key: 'k-1', name: 'X-Api-Key' });
    const before = plain.received.length;
    expect((await c.send(testMessage({ kind: 'ok', summary: 'direct' }))).ok).toBe(true);
    expect(plain.received[before].request).toMatchObject({ kind: 'ok', summary: 'direct' });
    expect(plain.received[before].metadata.get('x-api-key')).toEqual(['k-1']);
  });

  it.each([
    ['unavailable', status.UNAVAILABLE, true],
    ['invalid', status.INVALID_ARGUMENT, false],
  ])('maps status of a %s answer', async (kind, code, retryable) => {
    const c = make({ request_template: { kind } });
    expect(await c.send(testMessage())).toMatchObject({ ok: false, statusCode: code, retryable });
  });

  it('applies the deadline: a slow server is DEADLINE_EXCEEDED and retryable', async () => {
    const c = make({ request_template: { kind: 'slow' } }, undefined, 300);
    expect(await c.send(testMessage())).toMatchObject({ ok: false, statusCode: status.DEADLINE_EXCEEDED, retryable: true });
  });

  it('health follows grpc.health.v1: SERVING, NOT_SERVING', async () => {
    const c = make({});
    expect(await c.healthCheck()).toMatchObject({ healthy: true, details: { status: 'SERVING' } });
    plain.health.status = 'NOT_SERVING';
    try {
      expect(await c.healthCheck()).toMatchObject({ healthy: false, error: 'health status NOT_SERVING' });
    } finally {
      plain.health.status = 'SERVING';
    }
  });

  it('server down: unhealthy with a reason, send retryable, initialize throws', async () => {
    const c = make({ address: `127.0.0.1:${await freePort()}` }, undefined, 1000);
    expect(await c.healthCheck()).toMatchObject({ healthy: false, statusCode: status.UNAVAILABLE, error: expect.stringMatching(/UNAVAILABLE/) });
    expect(await c.send(testMessage())).toMatchObject({ ok: false, retryable: true, statusCode: status.UNAVAILABLE });
    await expect(c.initialize()).rejects.toThrow(/cannot reach/);
  });

  it('refuses a loopback address the outbound policy does not allow', async () => {
    const ctx = { ...testContext({ type: 'GRPC', connection: { proto: PROTO, service: 'demo.v1.Notifier', method: 'Notify', address: `127.0.0.1:${plain.port}` } }), outbound: { allow: [] } };
    const c = grpcPlugin.create(ctx) as GrpcConnector;
    open.push(c);
    expect(await c.send(testMessage())).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/refused/) });
  });

  describe('mTLS (CERTIFICATE auth)', () => {
    let pki: TestPki;
    let tls: Awaited<ReturnType<typeof startServer>>;

    beforeAll(async () => {
      pki = makeTestPki();
      tls = await startServer(ServerCredentials.createSsl(Buffer.from(pki.ca), [{ cert_chain: Buffer.from(pki.serverCert), private_key: Buffer.from(pki.serverKey) }], true));
    });
    afterAll(async () => {
      if (tls) await stop(tls.server);
    });

    it('calls through mutual TLS with the client certificate (encrypted key + passphrase)', async () => {
      const c = make(
        { address: `127.0.0.1:${tls.port}`, tls: true, request_template: { kind: 'ok', summary: 'over mtls' } },
        { type: AuthType.CERTIFICATE, certificate: pki.clientCert, private_key: pki.clientKeyEncrypted, passphrase: pki.clientPassphrase, ca: pki.ca },
      );
      expect(await c.send(testMessage())).toMatchObject({ ok: true });
      expect(tls.received.at(-1)?.request).toMatchObject({ summary: 'over mtls' });
      expect(await c.healthCheck()).toMatchObject({ healthy: true });
    });

    it('server-only TLS: a private CA in the connection and a bearer token', async () => {
      const serverOnly = await startServer(ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(pki.serverCert), private_key: Buffer.from(pki.serverKey) }], false));
      try {
        const c = make({ address: `127.0.0.1:${serverOnly.port}`, tls: true, ca: pki.ca, request_template: { kind: 'ok' } }, { type: AuthType.BEARER_TOKEN, token: 'over-tls' });
        expect(await c.send(testMessage())).toMatchObject({ ok: true });
        expect(serverOnly.received[0].metadata.get('authorization')).toEqual(['Bearer over-tls']);
        // Without the CA the server's certificate is not trusted.
        const untrusted = make({ address: `127.0.0.1:${serverOnly.port}`, tls: true, request_template: { kind: 'ok' } }, undefined, 1000);
        expect(await untrusted.send(testMessage())).toMatchObject({ ok: false, statusCode: status.UNAVAILABLE });
        expect(serverOnly.received).toHaveLength(1);
      } finally {
        await Promise.all(open.map((c) => c.close()));
        await stop(serverOnly.server);
      }
    });

    it('fails without a client certificate, and CERTIFICATE without tls is refused', async () => {
      const before = tls.received.length;
      const noCert = make({ address: `127.0.0.1:${tls.port}`, tls: true, ca: pki.ca, request_template: { kind: 'ok' } }, undefined, 1000);
      expect(await noCert.send(testMessage())).toMatchObject({ ok: false, statusCode: status.UNAVAILABLE });
      expect(tls.received.length).toBe(before);
      const noTls = make({ address: `127.0.0.1:${tls.port}` }, { type: AuthType.CERTIFICATE, certificate: pki.clientCert, private_key: pki.clientKeyEncrypted, passphrase: pki.clientPassphrase });
      expect(await noTls.send(testMessage())).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/tls: true/) });
    });
  });
  describe('DNS rebinding: the channel goes to the address the guard checked', () => {
    it('targets the first checked address, never a later answer, and keeps the name for TLS and :authority', async () => {
      const dns = rebindingDns(['93.184.216.34'], ['127.0.0.1']);
      const pinned = await pinnedTarget('grpc.example.com:443', new OutboundGuard({ allow: [] }, dns.lookup));
      expect(pinned).toEqual({ target: '93.184.216.34:443', options: { 'grpc.ssl_target_name_override': 'grpc.example.com', 'grpc.default_authority': 'grpc.example.com:443' } });
      expect(dns.asked).toEqual(['grpc.example.com']);
      expect((await pinnedTarget('v6.example:50051', new OutboundGuard({ allow: [] }, async () => ['2606:4700::1111']))).target).toBe('[2606:4700::1111]:50051');
      expect(await pinnedTarget('[::1]:50051', new OutboundGuard({ allow: ['::1/128'] }))).toEqual({ target: '[::1]:50051', options: {} });
    });

    describe('over TLS on loopback', () => {
      let pki: TestPki;
      let tls: Awaited<ReturnType<typeof startServer>>;
      const pinnedTo = (address: string, dns: ReturnType<typeof rebindingDns>, timeoutMs = 2000) => {
        const ctx = testContext({ type: 'GRPC', timeoutMs, connection: { proto: PROTO, service: 'demo.v1.Notifier', method: 'Notify', address, tls: true, ca: pki.ca, request_template: { kind: 'ok' } } });
        const c = new GrpcConnector(ctx, dns.lookup);
        open.push(c);
        return c;
      };

      beforeAll(async () => {
        pki = makeTestPki();
        tls = await startServer(ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(pki.serverCert), private_key: Buffer.from(pki.serverKey) }], false));
      });
      afterAll(async () => {
        if (tls) await stop(tls.server);
      });

      it('verifies the certificate against the host name although it connects to the pinned address', async () => {
        // mtls.test has no DNS: the call can only arrive through the guard's answer. Later answers are the metadata address.
        const dns = rebindingDns(['127.0.0.1'], ['169.254.169.254']);
        const c = pinnedTo(`mtls.test:${tls.port}`, dns);
        await c.initialize();
        expect(await c.send(testMessage())).toMatchObject({ ok: true });
        expect(await c.send(testMessage())).toMatchObject({ ok: true });
        expect(await c.healthCheck()).toMatchObject({ healthy: true });
        expect(tls.received.at(-1)?.host).toBe(`mtls.test:${tls.port}`);
        expect(dns.asked).toEqual(['mtls.test']);
      });

      it('refuses a certificate that does not name the host, although it names the pinned address', async () => {
        const before = tls.received.length;
        const c = pinnedTo(`other.test:${tls.port}`, rebindingDns(['127.0.0.1']), 1000);
        expect(await c.send(testMessage())).toMatchObject({ ok: false, statusCode: status.UNAVAILABLE });
        expect(tls.received.length).toBe(before);
      });

      it('a pinned address that stops answering is dropped: the next call resolves and checks the name again', async () => {
        // Nothing listens on 127.0.0.2 (the whole of 127/8 is loopback): the first answer is dead, the second live.
        const dns = rebindingDns(['127.0.0.2'], ['127.0.0.1']);
        const c = pinnedTo(`mtls.test:${tls.port}`, dns, 1000);
        expect(await c.send(testMessage())).toMatchObject({ ok: false, retryable: true, statusCode: status.UNAVAILABLE });
        expect(await c.send(testMessage())).toMatchObject({ ok: true });
        expect(dns.asked).toEqual(['mtls.test', 'mtls.test']);
      });
    });
  });
});
