import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import type { ConnectorContext, ConnectorLogger } from '../../../apps/integration-service/src/connectors/connector.port';
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
