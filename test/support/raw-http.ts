import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
  /** ms from connecting until the server closed the connection. */
  closedAfterMs: number;
  /** ms from connecting until the first byte of the answer. */
  answeredAfterMs: number;
}

export interface RawRequest {
  method: string;
  /** Sent exactly as given (percent-encoding, over-long segments and all). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send the body a byte at a time, one every `trickleMs`, until the server closes. */
  trickleMs?: number;
  /** Give up after this long (the connection is destroyed and the promise rejects). */
  timeoutMs?: number;
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(body.subarray(at, eol).toString('latin1'), 16);
    if (!size) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * One HTTP/1.1 exchange over a plain socket, for what fetch and node:http will not send (bad percent-encoding,
 * malformed requests, bodies that never end) and answers that arrive before the upload ends: everything the
 * server writes is kept until it closes the connection, so an early answer is read even if a write fails after.
 */
export function rawRequest(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const started = Date.now();
    const chunks: Buffer[] = [];
    let answeredAfterMs = -1;
    let trickle: NodeJS.Timeout | undefined;
    const timeout = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${req.method} ${req.path.slice(0, 200)}: no answer and no close within ${req.timeoutMs ?? 30000} ms`));
    }, req.timeoutMs ?? 30000);
    socket.on('data', (c) => {
      if (answeredAfterMs < 0) answeredAfterMs = Date.now() - started;
      chunks.push(c);
    });
    socket.on('error', (e) => (/EPIPE|ECONNRESET/.test(String(e)) ? undefined : reject(e)));
    socket.on('close', () => {
      clearTimeout(timeout);
      clearInterval(trickle);
      const raw = Buffer.concat(chunks);
      const split = raw.indexOf('\r\n\r\n');
      const head = raw.subarray(0, split < 0 ? raw.length : split).toString('latin1');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      let body: Buffer = split < 0 ? Buffer.alloc(0) : raw.subarray(split + 4);
      if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
      const text = body.toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, text, json, closedAfterMs: Date.now() - started, answeredAfterMs });
    });
    socket.on('connect', () => {
      const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body);
      const headers: Record<string, string> = { host: url.host, connection: 'close', ...(body ? { 'content-length': String(body.length) } : {}), ...req.headers };
      socket.write(`${req.method} ${req.path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
      if (!body) return;
      if (!req.trickleMs) {
        socket.write(body);
        return;
      }
      let at = 0;
      trickle = setInterval(() => {
        if (!socket.writable || at >= body.length) return clearInterval(trickle);
        socket.write(body.subarray(at, ++at));
      }, req.trickleMs);
    });
  });
}
