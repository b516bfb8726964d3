import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface SinkRequest {
  path: string;
  webhookId: string;
  attempt?: string;
  body: any;
  /** The body as received (what a Standard Webhooks signature covers). */
  raw: string;
  headers: IncomingHttpHeaders;
  at: number;
  status: number;
}

/** What the sink answers a POST on a path: a status (and headers), decided per request. */
export type SinkBehaviour = (req: { path: string; webhookId: string; n: number; body: any }) => number | { status: number; headers?: Record<string, string> };

/**
 * A webhook receiver on loopback that records every POST (path, `webhook-id`, parsed body, the status it answered)
 * and answers per path: 200 by default, or what `behave(path, fn)` says. GET/HEAD (health checks) get 200, or what
 * `setHealth(status)` set.
 */
export class WebhookSink {
  readonly requests: SinkRequest[] = [];
  private readonly behaviours = new Map<string, SinkBehaviour>();
  private readonly counts = new Map<string, number>();
  /** What GET and HEAD (health checks) get; 200 unless a test makes the receiver look down. */
  private healthStatus = 200;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookSink> {
    const holder: { sink?: WebhookSink } = {};
    const server = createServer((req, res) => holder.sink!.handle(req, res));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    holder.sink = new WebhookSink(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return holder.sink;
  }

  /** Answers health checks (GET/HEAD) with `status` from now on, e.g. 503 to look down, 200 to recover. */
  setHealth(status: number): void {
    this.healthStatus = status;
  }

  behave(path: string, fn: SinkBehaviour): void {
    this.behaviours.set(path, fn);
  }

  on(path: string): SinkRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Successful requests on a path, by webhook-id. */
  delivered(path: string): Map<string, SinkRequest[]> {
    const out = new Map<string, SinkRequest[]>();
    for (const r of this.on(path)) if (r.status < 300) out.set(r.webhookId, [...(out.get(r.webhookId) ?? []), r]);
    return out;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'POST') {
      res.writeHead(this.healthStatus).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      const webhookId = String(req.headers['webhook-id'] ?? '');
      const n = (this.counts.get(path) ?? 0) + 1;
      this.counts.set(path, n);
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
      const decided = this.behaviours.get(path)?.({ path, webhookId, n, body }) ?? 200;
      const { status, headers } = typeof decided === 'number' ? { status: decided, headers: {} } : decided;
      this.requests.push({ path, webhookId, attempt: req.headers['x-attempt'] as string | undefined, body, raw, headers: req.headers, at: Date.now(), status });
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end('{}');
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(() => r(undefined)));
  }
}
