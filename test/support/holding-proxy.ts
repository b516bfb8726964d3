import { createServer, IncomingMessage, request, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An AWS endpoint in front of another (moto) that can hold chosen API calls: a slow AWS on demand. */
export interface HoldingProxy {
  endpoint: string;
  /** From now on, calls of this API action (`Action=` of query protocols, or the `X-Amz-Target` operation) wait. */
  hold(action: string): void;
  /** Lets every waiting call through and stops holding. */
  release(): void;
  /** Calls waiting now (a caller that went away, e.g. a killed process, no longer counts). */
  readonly waiting: number;
  stop(): Promise<void>;
}

interface Waiting {
  req: IncomingMessage;
  res: ServerResponse;
  body: Buffer;
}

/**
 * Starts a loopback HTTP proxy to `target` (an AWS endpoint such as moto's). Everything is forwarded as is,
 * signature headers included (moto does not check them unless told to), except that calls of a held action
 * wait until `release()`: a collector stuck on a slow AWS call, for as long as a test needs.
 */
export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  const upstream = new URL(target);
  let held: string | undefined;
  const queue = new Set<Waiting>();

  const forward = ({ req, res, body }: Waiting) => {
    const out = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    out.end(body);
  };
  const actionOf = (req: IncomingMessage, body: Buffer) => {
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') return target.split('.').pop();
    return /(?:^|&)Action=([A-Za-z0-9]+)/.exec(body.toString('latin1'))?.[1] ?? /[?&]Action=([A-Za-z0-9]+)/.exec(req.url ?? '')?.[1];
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const w: Waiting = { req, res, body: Buffer.concat(chunks) };
      if (held === undefined || actionOf(req, w.body) !== held) return forward(w);
      queue.add(w);
      res.on('close', () => queue.delete(w));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    hold(action) {
      held = action;
    },
    release() {
      held = undefined;
      const all = [...queue];
      queue.clear();
      all.forEach(forward);
    },
    get waiting() {
      return queue.size;
    },
    async stop() {
      for (const w of queue) w.res.destroy();
      queue.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
