import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import type { Connector, ConnectorContext, ConnectorLogger } from '../../../apps/integration-service/src/connectors/connector.port';
import { AuthConfigDto, Direction } from '@app/contracts';

/** One request as the peer saw it: raw bytes, so signatures can be checked exactly. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type PeerHandler = (req: RecordedRequest, res: ServerResponse) => unknown;

/** A real HTTP server on 127.0.0.1:<free port> that records what it received (test peer, not a mock). */
export class HttpPeer {
  readonly requests: RecordedRequest[] = [];
  private handler: PeerHandler = (_req, res) => res.end('ok');

  private constructor(readonly server: Server) {}

  static async start(handler?: PeerHandler, server: Server = createServer()): Promise<HttpPeer> {
    const peer = new HttpPeer(server);
    if (handler) peer.handler = handler;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const rec: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
        peer.requests.push(rec);
        Promise.resolve(peer.handler(rec, res)).catch((err: Error) => {
          res.statusCode = 500;
          res.end(err.message);
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return peer;
  }

  on(handler: PeerHandler): void {
    this.handler = handler;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/'): string {
    const scheme = 'setSecureContext' in this.server ? 'https' : 'http';
    return `${scheme}://127.0.0.1:${this.port}${path}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const silentLogger: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A ConnectorContext for tests: loopback allowlisted so peers on 127.0.0.1 can be reached. */
export function testContext(over: Partial<ConnectorContext> & { connection: Record<string, unknown> }): ConnectorContext {
  return {
    integrationId: 'int-1',
    name: 'test',
    type: 'WEBHOOK',
    direction: Direction.OUTBOUND,
    auth: { type: 'NONE' } as AuthConfigDto,
    timeoutMs: 5000,
    dataDir: '/tmp',
    outbound: { allow: ['127.0.0.0/8'] },
    logger: silentLogger,
    ...over,
  };
}

/** What builds connectors in a spec: the built-in registry (passed in, so this file stays free of the plugins). */
interface ConnectorFactory {
  createConnector(context: ConnectorContext): Connector;
}

/**
 * The frame of a connector spec against a real HTTP peer: one peer for the file, a `connector()` of `type` pointed
 * at it by the test, and every connector closed and the peer reset (recorded requests, default `reply`) after each test.
 */
export function connectorsAgainstPeer<C extends Connector>(registry: ConnectorFactory, type: string, reply?: PeerHandler) {
  let peer: HttpPeer | undefined;
  const open: C[] = [];
  beforeAll(async () => {
    peer = await HttpPeer.start(reply);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    suite.peer.requests.length = 0;
    if (reply) suite.peer.on(reply);
  });
  afterAll(async () => {
    await peer?.stop();
  });
  const suite = {
    get peer(): HttpPeer {
      if (!peer) throw new Error('the peer starts in beforeAll');
      return peer;
    },
    connector(over: Partial<ConnectorContext> & { connection: Record<string, unknown> }): C {
      const c = registry.createConnector(testContext({ type, ...over })) as C;
      open.push(c);
      return c;
    },
  };
  return suite;
}
