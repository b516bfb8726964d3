import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP proxy that adds credentials to every request. */
export interface CredentialProxy {
  /** `http://127.0.0.1:<port>`: send here what should reach the target with the credentials. */
  url: string;
  stop(): Promise<void>;
}

/**
 * For clients with no way to send a credential (the MCP conformance suite's): every request goes to `target`
 * unchanged — method, path, body, and the Host and Origin headers, so the target's own Host/Origin checks see what the
 * client sent — plus `headers`. The response comes back as it is, streamed (SSE included).
 */
export async function startCredentialProxy(target: string, headers: Record<string, string>): Promise<CredentialProxy> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, ...headers } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    res.on('close', () => out.destroy());
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
