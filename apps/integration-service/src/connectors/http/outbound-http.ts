import { parseRetryAfter as parseRetryAfterMs } from '@app/retry';
import { Agent, Dispatcher, errors as undiciErrors, request } from 'undici';
import { ConnectorError, OutboundPolicy } from '../connector.port';
import { LookupFn, OutboundBlockedError, OutboundGuard } from './outbound-guard';

/** What auth providers sign and connectors send. `body` is final bytes so signatures cover exactly what goes out. */
export interface OutboundHttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface OutboundHttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** True when the body was cut at `maxResponseBytes`. */
  truncated: boolean;
  /** The URL that answered (after redirects). */
  url: string;
  /** From `Retry-After` on 429/503. */
  retryAfterSeconds?: number;
  durationMs: number;
}

/** TLS settings for mutual TLS (CERTIFICATE auth) and private CAs. */
export interface OutboundTlsOptions {
  cert?: string;
  key?: string;
  passphrase?: string;
  ca?: string;
}

export interface OutboundHttpOptions {
  policy: OutboundPolicy;
  timeoutMs: number;
  tls?: OutboundTlsOptions;
  /** Bytes of response body kept; the rest is discarded. Default 1 MiB. */
  maxResponseBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** DNS override (tests); the guard still checks every answer. */
  lookup?: LookupFn;
}

export interface RequestOptions {
  /** Called for each hop to the original origin; hops to another origin go without credentials. */
  authorize?: (req: OutboundHttpRequest) => Promise<OutboundHttpRequest>;
  /** Follow 301/302/303/307/308 (each hop re-checked by the guard). Default false. */
  followRedirects?: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_MAX_BODY = 1024 * 1024;

/** `Retry-After` as whole seconds from now (delta-seconds or HTTP-date), or undefined when absent/invalid. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  const ms = parseRetryAfterMs(value, now);
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}

/**
 * The one HTTP client of every HTTP-family connector: SSRF-guarded sockets, a bound on every call,
 * bounded bodies, manual redirects (each hop re-checked). One instance per connector: it owns its pool.
 */
export class OutboundHttp {
  readonly guard: OutboundGuard;
  private readonly agent: Agent;
  private readonly maxBody: number;
  private readonly maxRedirects: number;

  constructor(private readonly opts: OutboundHttpOptions) {
    this.guard = new OutboundGuard(opts.policy, opts.lookup);
    this.maxBody = opts.maxResponseBytes ?? DEFAULT_MAX_BODY;
    this.maxRedirects = opts.maxRedirects ?? 5;
    const tls = opts.tls ?? {};
    this.agent = new Agent({
      connect: this.guard.connector({
        timeout: opts.timeoutMs,
        ...(tls.cert ? { cert: tls.cert } : {}),
        ...(tls.key ? { key: tls.key } : {}),
        ...(tls.passphrase ? { passphrase: tls.passphrase } : {}),
        ...(tls.ca ? { ca: tls.ca } : {}),
      }),
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
  }

  get timeoutMs(): number {
    return this.opts.timeoutMs;
  }

  /** Sends one request. Throws ConnectorError (retryable for network errors and timeouts) when no response came. */
  async request(req: OutboundHttpRequest, options: RequestOptions = {}): Promise<OutboundHttpResponse> {
    const started = performance.now();
    const signal = AbortSignal.timeout(this.opts.timeoutMs);
    const origin = this.guard.checkUrl(req.url).origin;
    let current: OutboundHttpRequest = req;
    for (let hop = 0; ; hop++) {
      const url = this.guard.checkUrl(current.url);
      const sameOrigin = url.origin === origin;
      const toSend = sameOrigin && options.authorize ? await options.authorize(current) : current;
      const res = await this.dispatch(toSend, signal);
      if (options.followRedirects && REDIRECTS.has(res.statusCode) && res.headers.location) {
        await res.body.dump().catch(() => undefined);
        if (hop >= this.maxRedirects) throw new ConnectorError(`More than ${this.maxRedirects} redirects`, false, res.statusCode);
        const next = new URL(headerValue(res.headers.location) as string, url);
        const toGet = res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && current.method === 'POST');
        const headers = { ...current.headers };
        if (next.origin !== origin) stripCredentials(headers);
        if (toGet) for (const h of Object.keys(headers)) if (/^content-/i.test(h)) delete headers[h];
        current = {
          method: toGet ? (current.method === 'HEAD' ? 'HEAD' : 'GET') : current.method,
          url: next.toString(),
          headers,
          body: toGet ? undefined : current.body,
        };
        continue;
      }
      const { body, truncated } = await this.readBounded(res);
      const headers = flattenHeaders(res.headers);
      const retryAfterSeconds =
        res.statusCode === 429 || res.statusCode === 503 ? parseRetryAfter(headers['retry-after']) : undefined;
      return {
        status: res.statusCode,
        headers,
        body,
        truncated,
        url: url.toString(),
        ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
        durationMs: Math.round(performance.now() - started),
      };
    }
  }

  async close(): Promise<void> {
    if (!this.agent.closed) await this.agent.close().catch(() => undefined);
  }

  private async dispatch(req: OutboundHttpRequest, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    try {
      return await request(req.url, {
        method: req.method as Dispatcher.HttpMethod,
        headers: req.headers,
        body: req.body,
        dispatcher: this.agent,
        signal,
      });
    } catch (err) {
      throw toConnectorError(err, this.opts.timeoutMs);
    }
  }

  private async readBounded(res: Dispatcher.ResponseData): Promise<{ body: Buffer; truncated: boolean }> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        const buf = chunk as Buffer;
        if (size + buf.length > this.maxBody) {
          chunks.push(buf.subarray(0, this.maxBody - size));
          res.body.destroy(); // stop reading; the socket is discarded
          return { body: Buffer.concat(chunks), truncated: true };
        }
        chunks.push(buf);
        size += buf.length;
      }
    } catch (err) {
      throw toConnectorError(err, this.opts.timeoutMs);
    }
    return { body: Buffer.concat(chunks), truncated: false };
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    const value = headerValue(v);
    if (value !== undefined) out[k.toLowerCase()] = value;
  }
  return out;
}

const CREDENTIAL_HEADERS = /^(authorization|proxy-authorization|cookie|x-api-key|x-amz-security-token|x-amz-date)$/i;

function stripCredentials(headers: Record<string, string>): void {
  for (const h of Object.keys(headers)) if (CREDENTIAL_HEADERS.test(h)) delete headers[h];
}

function toConnectorError(err: unknown, timeoutMs: number): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = err as Error & { code?: string; cause?: unknown };
  if (e.cause instanceof OutboundBlockedError) return e.cause;
  if (
    e.name === 'TimeoutError' ||
    e instanceof undiciErrors.HeadersTimeoutError ||
    e instanceof undiciErrors.BodyTimeoutError ||
    e instanceof undiciErrors.ConnectTimeoutError
  ) {
    return new ConnectorError(`No response within ${timeoutMs} ms`, true);
  }
  const code = e.code ?? (e.cause as NodeJS.ErrnoException | undefined)?.code;
  return new ConnectorError(`Network error: ${code ?? e.message}`, true);
}
