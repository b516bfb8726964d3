import { ConfigModule, loadConfig } from '@app/config';
import { createServer } from 'node:https';
import { Test } from '@nestjs/testing';
import { AppException, AuthConfigDto, AuthType, createCloudEvent, Direction, IntegrationType } from '@app/contracts';
import { createBuiltInRegistry } from './builtin-plugins';
import { ConnectorPlugin, isInboundReceiver } from './connector.port';
import { ConnectorRegistry } from './connector.registry';
import { ConnectorsModule } from './connectors.module';
import { withHeaders } from './auth/auth-provider';
import { HttpPeer, testContext } from '../../../../test/support/connectors/http-peer';
import { makeTestPki } from '../../../../test/support/connectors/test-pki';
import { WebhookConnector } from './types/webhook/webhook.plugin';

const event = createCloudEvent({ type: 't.happened', source: 'test', data: { n: 1 } });

describe('ConnectorRegistry', () => {
  const registry = createBuiltInRegistry();

  it('lists the HTTP-family types and every auth type', () => {
    const types = registry.list().map((p) => p.type);
    expect(types).toEqual(expect.arrayContaining([IntegrationType.WEBHOOK, IntegrationType.REST_API, IntegrationType.GRAPHQL]));
    expect(registry.list().find((p) => p.type === 'GRAPHQL')).toMatchObject({ directions: ['OUTBOUND'], authTypes: Object.values(AuthType) });
    expect(registry.listAuthTypes()).toEqual(Object.values(AuthType).sort());
    expect(registry.get(IntegrationType.WEBHOOK)?.type).toBe('WEBHOOK');
  });

  it('names every problem with a dotted path', () => {
    expect(registry.validate({ type: 'SMOKE_SIGNALS', direction: 'OUTBOUND' })).toEqual([{ field: 'type', message: expect.stringContaining('SMOKE_SIGNALS') }]);
    expect(
      registry.validate({
        type: 'WEBHOOK',
        direction: 'SIDEWAYS',
        auth: { type: AuthType.BASIC, username: 'u' },
        connection: { url: 'gopher://x' },
      }),
    ).toEqual([
      { field: 'direction', message: expect.any(String) },
      { field: 'auth.password', message: 'password is required for BASIC auth' },
      { field: 'connection.url', message: 'url must use http or https' },
    ]);
    expect(registry.validate({ type: 'WEBHOOK', direction: 'OUTBOUND', auth: { type: AuthType.BEARER_TOKEN }, connection: { url: 'https://h.example/' } })).toEqual([
      { field: 'auth.token', message: 'token is required for BEARER_TOKEN auth' },
    ]);
    expect(registry.validate({ type: 'REST_API', direction: 'INBOUND', connection: { poll_url: 'https://h.example/feed' } })).toEqual([]);
    // An auth object without a type means NONE.
    expect(registry.validate({ type: 'REST_API', direction: 'INBOUND', auth: { type: undefined }, connection: { poll_url: 'https://h.example/feed' } })).toEqual([]);
  });

  it('refuses an auth type the plugin does not support, and one with no provider', () => {
    const r = new ConnectorRegistry();
    const plugin: ConnectorPlugin = {
      type: 'LEGACY',
      directions: [Direction.OUTBOUND],
      authTypes: [AuthType.NONE, AuthType.BASIC],
      description: 'test plugin',
      validateConnection: (c) => (c.host ? [] : [{ field: 'host', message: 'host is required' }]),
      create: () => {
        throw new Error('not used');
      },
    };
    r.registerPluginType('LEGACY', plugin);
    expect(() => r.registerPluginType('LEGACY', plugin)).toThrow(/already registered/);
    expect(r.validate({ type: 'LEGACY', direction: 'OUTBOUND', auth: { type: AuthType.OAUTH2 }, connection: {} })).toEqual([
      { field: 'auth.type', message: expect.stringContaining('not OAUTH2') },
      { field: 'connection.host', message: 'host is required' },
    ]);
    expect(r.validate({ type: 'LEGACY', direction: 'OUTBOUND', auth: { type: AuthType.BASIC }, connection: { host: 'h' } })).toEqual([
      { field: 'auth.type', message: 'No auth provider is registered for BASIC' },
    ]);
  });

  it('createConnector validates first and throws VALIDATION_FAILED with the field errors', () => {
    const err = (() => {
      try {
        registry.createConnector(testContext({ type: 'WEBHOOK', connection: {} }));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AppException);
    expect((err as AppException).code).toBe('VALIDATION_FAILED');
    expect((err as AppException).errors).toEqual([{ field: 'connection.url', message: 'url is required' }]);
  });

  it('serves CUSTOM auth from a provider registered in code by name', async () => {
    const r = createBuiltInRegistry();
    r.registerCustomAuthProvider('tenant-header', {
      validate: (auth) => (typeof auth.custom?.tenant === 'string' ? [] : [{ field: 'custom.tenant', message: 'custom.tenant is required' }]),
      apply: async (req, { auth }) => withHeaders(req, { 'x-tenant': String(auth.custom?.tenant) }),
    });
    expect(r.validate({ type: 'WEBHOOK', direction: 'OUTBOUND', auth: { type: AuthType.CUSTOM, custom: { provider: 'nope' } }, connection: { url: 'https://h.example' } })).toEqual([
      { field: 'auth.custom.provider', message: 'unknown custom auth provider "nope" (known: tenant-header)' },
    ]);
    expect(r.validate({ type: 'WEBHOOK', direction: 'OUTBOUND', auth: { type: AuthType.CUSTOM, custom: { provider: 'tenant-header' } }, connection: { url: 'https://h.example' } })).toEqual([
      { field: 'auth.custom.tenant', message: 'custom.tenant is required' },
    ]);

    const peer = await HttpPeer.start();
    const c = r.createConnector(
      testContext({ connection: { url: peer.url() }, auth: { type: AuthType.CUSTOM, custom: { provider: 'tenant-header', tenant: 'acme' } } as AuthConfigDto }),
    );
    try {
      expect(await c.send!({ deliveryId: 'd', attempt: 1, event })).toMatchObject({ ok: true });
      expect(peer.requests[0].headers['x-tenant']).toBe('acme');
    } finally {
      await c.close();
      await peer.stop();
    }
  });

  it('gives HTTP connectors the TLS material of CERTIFICATE auth (mutual TLS end to end)', async () => {
    const pki = makeTestPki();
    const peer = await HttpPeer.start(
      (_req, res) => res.end(),
      createServer({ key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: true }),
    );
    const auth = { type: AuthType.CERTIFICATE, certificate: pki.clientCert, private_key: pki.clientKeyEncrypted, passphrase: pki.clientPassphrase, ca: pki.ca } as AuthConfigDto;
    const withCert = registry.createConnector(testContext({ connection: { url: peer.url('/in') }, auth })) as WebhookConnector;
    const withoutCert = registry.createConnector(testContext({ connection: { url: peer.url('/in') }, auth: { ...auth, type: AuthType.NONE } as AuthConfigDto }));
    try {
      expect(await withCert.send({ deliveryId: 'd', attempt: 1, event })).toMatchObject({ ok: true, statusCode: 200 });
      // Without the client certificate (and without the CA) the handshake fails: a network error, retryable.
      expect(await withoutCert.send!({ deliveryId: 'd', attempt: 1, event })).toMatchObject({ ok: false, retryable: true });
      expect(peer.requests).toHaveLength(1);
    } finally {
      await withCert.close();
      await withoutCert.close();
      await peer.stop();
    }
  });
});

describe('HTTP connectors with OAUTH2', () => {
  it('fetch a token once, reuse it, and on a 401 drop it and report the send as retryable', async () => {
    let issued = 0;
    const tokens = await HttpPeer.start((_req, res) => res.end(JSON.stringify({ access_token: `t${++issued}`, token_type: 'Bearer', expires_in: 3600 })));
    let rejectNext = false;
    const api = await HttpPeer.start((req, res) => {
      const reject = rejectNext;
      rejectNext = false;
      res.writeHead(reject ? 401 : 200).end();
    });
    const c = createBuiltInRegistry().createConnector(
      testContext({
        type: 'REST_API',
        connection: { url: api.url('/events') },
        auth: { type: AuthType.OAUTH2, client_id: 'id', client_secret: 'secret', token_url: tokens.url('/token') } as AuthConfigDto,
      }),
    );
    try {
      expect(await c.send!({ deliveryId: 'a', attempt: 1, event })).toMatchObject({ ok: true });
      rejectNext = true;
      expect(await c.send!({ deliveryId: 'b', attempt: 1, event })).toMatchObject({ ok: false, retryable: true, statusCode: 401 });
      expect(await c.send!({ deliveryId: 'b', attempt: 2, event })).toMatchObject({ ok: true });
      expect(api.requests.map((r) => r.headers.authorization)).toEqual(['Bearer t1', 'Bearer t1', 'Bearer t2']);
      expect(tokens.requests).toHaveLength(2);
    } finally {
      await c.close();
      await tokens.stop();
      await api.stop();
    }
  });
});

describe('isInboundReceiver', () => {
  it('tells the hooks route which connectors take pushed requests', () => {
    const r = createBuiltInRegistry();
    const hook = r.createConnector(testContext({ type: 'WEBHOOK', direction: Direction.INBOUND, connection: { secret: 'whsec_' + Buffer.alloc(24).toString('base64') } }));
    const rest = r.createConnector(testContext({ type: 'REST_API', connection: { url: 'https://api.example/x' } }));
    expect(isInboundReceiver(hook)).toBe(true);
    expect(isInboundReceiver(rest)).toBe(false);
  });
});

describe('ConnectorsModule', () => {
  it('provides a filled ConnectorRegistry', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(loadConfig({ argv: [], env: {} })), ConnectorsModule] }).compile();
    const registry = moduleRef.get(ConnectorRegistry);
    expect(registry.get(IntegrationType.REST_API)).toBeDefined();
    expect(registry.getAuthProvider(AuthType.OAUTH2)).toBeDefined();
    await moduleRef.close();
  });
});
