import { createHash } from 'node:crypto';
import { connect, ConnectionOptions, credsAuthenticator, headers, JetStreamClient, MsgHdrs, NatsConnection, NatsError, Subscription } from 'nats';
import { AuthType, Direction, FieldError } from '@app/contracts';
import {
  Connector,
  ConnectorContext,
  ConnectorError,
  HealthResult,
  InboundHandler,
  OutboundMessage,
  SendResult,
} from '../../connector.port';
import { OutboundGuard } from '../../http/outbound-guard';

export interface NatsSettings {
  servers: string[];
  /** Where outbound events are published. */
  subject?: string;
  /** What INBOUND subscribes to (wildcards allowed). */
  subjects: string[];
  /** Queue group so that replicas share the inbound messages instead of each getting all of them. */
  queue?: string;
  /** Publish through JetStream (acked, deduplicated by Nats-Msg-Id within the stream's window). */
  jetstream: boolean;
  tls: boolean;
}

// Publish subjects: tokens of printable characters without wildcards; subscriptions may use * and >.
const PUB_SUBJECT = /^[^\s.*>]+(\.[^\s.*>]+)*$/;
const SUB_SUBJECT = /^([^\s.*>]+|\*)(\.([^\s.*>]+|\*))*(\.>)?$|^>$/;
const SERVER = /^((nats|tls):\/\/)?[^\s/:]+(:\d{1,5})?$/;

export function validateNatsConnection(c: Record<string, unknown>, direction?: Direction): FieldError[] {
  const errors: FieldError[] = [];
  const servers = typeof c.servers === 'string' ? [c.servers] : c.servers;
  if (!Array.isArray(servers) || servers.length === 0 || servers.length > 16 || !servers.every((s) => typeof s === 'string' && SERVER.test(s))) {
    errors.push({ field: 'servers', message: 'must be one to 16 server addresses like nats://host:4222' });
  }
  if (c.subject !== undefined && (typeof c.subject !== 'string' || c.subject.length > 256 || !PUB_SUBJECT.test(c.subject))) {
    errors.push({ field: 'subject', message: 'must be a NATS subject without wildcards' });
  }
  if (c.subjects !== undefined) {
    const ok = Array.isArray(c.subjects) && c.subjects.length > 0 && c.subjects.length <= 32 && c.subjects.every((s) => typeof s === 'string' && s.length <= 256 && SUB_SUBJECT.test(s));
    if (!ok) errors.push({ field: 'subjects', message: 'must be one to 32 NATS subjects (wildcards * and > allowed)' });
  }
  if (direction === undefined) {
    if (c.subject === undefined && c.subjects === undefined) errors.push({ field: 'subject', message: 'subject (outbound) or subjects (inbound) is required' });
  } else {
    if (direction !== Direction.INBOUND && c.subject === undefined) errors.push({ field: 'subject', message: 'is required to publish events' });
    if (direction !== Direction.OUTBOUND && c.subjects === undefined) errors.push({ field: 'subjects', message: 'is required to receive messages' });
  }
  if (c.queue !== undefined && (typeof c.queue !== 'string' || !/^[\w.-]{1,128}$/.test(c.queue))) errors.push({ field: 'queue', message: 'must be a queue group name' });
  for (const key of ['user', 'password', 'token', 'credentials']) {
    if (c[key] !== undefined && (typeof c[key] !== 'string' || (c[key] as string).length > 16384)) errors.push({ field: key, message: 'must be a string' });
  }
  // `credentials`, not `creds`: only names matching CONNECTION_SECRET_KEY are encrypted and masked.
  if (c.creds !== undefined) errors.push({ field: 'creds', message: 'put the .creds text in `credentials` (a field stored as a secret)' });
  if (c.credentials !== undefined && !/-----BEGIN NATS USER JWT-----/.test(String(c.credentials))) {
    errors.push({ field: 'credentials', message: 'must be the text of a NATS .creds file' });
  }
  for (const key of ['jetstream', 'tls']) if (c[key] !== undefined && typeof c[key] !== 'boolean') errors.push({ field: key, message: 'must be a boolean' });
  return errors;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConnectorError(`${what} timed out after ${ms} ms`, true)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const NOT_RETRYABLE = new Set(['AUTHORIZATION_VIOLATION', 'AUTHENTICATION_EXPIRED', 'ACCOUNT_EXPIRED', 'BAD_AUTHENTICATION', 'BAD_CREDS', 'BAD_SUBJECT', 'PERMISSIONS_VIOLATION', 'MAX_PAYLOAD_EXCEEDED', 'INVALID_OPTION', 'BAD_HEADER']);

/** Authentication and permission problems need a config change; connection trouble may pass. */
function classify(e: unknown): { retryable: boolean; error: string } {
  if (e instanceof ConnectorError) return { retryable: e.retryable, error: e.message };
  const code = (e as NatsError).code;
  const msg = (e as Error).message ?? String(e);
  if (code === '503') return { retryable: true, error: 'no JetStream stream answered for the subject (503 no responders)' };
  return { retryable: !NOT_RETRYABLE.has(code), error: code && !msg.includes(code) ? `${code}: ${msg}` : msg };
}

function hostOf(server: string): string {
  const bare = server.replace(/^(nats|tls):\/\//, '');
  return bare.replace(/:\d+$/, '');
}

export class NatsConnector implements Connector {
  private readonly cfg: NatsSettings;
  private nc?: NatsConnection;
  private connecting?: Promise<NatsConnection>;
  private js?: JetStreamClient;
  private subs: Array<{ sub: Subscription; done: Promise<void> }> = [];

  constructor(private readonly ctx: ConnectorContext) {
    const errors = validateNatsConnection(ctx.connection, ctx.direction);
    if (errors.length) throw new ConnectorError(`invalid connection: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
    const c = ctx.connection;
    this.cfg = {
      servers: typeof c.servers === 'string' ? [c.servers] : (c.servers as string[]),
      subject: c.subject as string | undefined,
      subjects: (c.subjects as string[] | undefined) ?? [],
      queue: c.queue as string | undefined,
      jetstream: c.jetstream === true,
      tls: c.tls === true,
    };
  }

  /** Credentials: the integration's auth (BASIC, BEARER_TOKEN) first, then the connection's own fields. */
  private options(reconnect: boolean): ConnectionOptions {
    const c = this.ctx.connection;
    const a = this.ctx.auth;
    const opts: ConnectionOptions = {
      servers: this.cfg.servers,
      name: `aws-mcp-integration-${this.ctx.integrationId}`,
      timeout: this.ctx.timeoutMs,
      reconnect,
      maxReconnectAttempts: reconnect ? -1 : 0,
      ...(this.cfg.tls ? { tls: {} } : {}),
    };
    if (a.type === AuthType.BASIC && a.username) Object.assign(opts, { user: a.username, pass: a.password ?? '' });
    else if (a.type === AuthType.BEARER_TOKEN && a.token) opts.token = a.token;
    else if (typeof c.credentials === 'string') opts.authenticator = credsAuthenticator(new TextEncoder().encode(c.credentials));
    else if (typeof c.token === 'string') opts.token = c.token;
    else if (typeof c.user === 'string') Object.assign(opts, { user: c.user, pass: typeof c.password === 'string' ? c.password : '' });
    return opts;
  }

  private async guard(): Promise<void> {
    const g = new OutboundGuard(this.ctx.outbound);
    for (const s of this.cfg.servers) await g.resolve(hostOf(s));
  }

  private async connection(): Promise<NatsConnection> {
    if (this.nc && !this.nc.isClosed()) return this.nc;
    this.connecting ??= (async () => {
      await this.guard();
      const nc = await connect(this.options(true));
      nc.closed().then((err) => {
        if (err) this.ctx.logger.warn('NATS connection closed with an error', { integrationId: this.ctx.integrationId, error: classify(err).error });
      });
      this.nc = nc;
      this.js = this.cfg.jetstream ? nc.jetstream() : undefined;
      return nc;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  async initialize(): Promise<void> {
    try {
      const nc = await this.connection();
      await withTimeout(nc.flush(), this.ctx.timeoutMs, 'NATS flush');
    } catch (e) {
      const c = classify(e);
      throw new ConnectorError(`cannot connect to NATS: ${c.error}`, c.retryable);
    }
  }

  async healthCheck(): Promise<HealthResult> {
    const started = Date.now();
    let own: NatsConnection | undefined;
    try {
      // An open connection is checked as it is (a reconnecting one times out); otherwise a one-off connection.
      let nc = this.nc && !this.nc.isClosed() ? this.nc : undefined;
      if (!nc) {
        await this.guard();
        own = nc = await connect(this.options(false));
      }
      await withTimeout(nc.flush(), this.ctx.timeoutMs, 'NATS flush');
      return { healthy: true, latencyMs: Date.now() - started, details: { server: nc.getServer() } };
    } catch (e) {
      return { healthy: false, latencyMs: Date.now() - started, error: classify(e).error };
    } finally {
      await own?.close().catch(() => undefined);
    }
  }

  private headersFor(m: OutboundMessage): MsgHdrs {
    const h = headers();
    h.set('Nats-Msg-Id', m.deliveryId);
    // CloudEvents NATS binding: attributes as ce- headers, the structured envelope in the body.
    h.set('ce-id', m.event.id);
    h.set('ce-type', m.event.type);
    h.set('ce-source', m.event.source);
    h.set('ce-specversion', m.event.specversion);
    h.set('content-type', 'application/cloudevents+json');
    return h;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const started = Date.now();
    if (!this.cfg.subject) return { ok: false, retryable: false, error: 'no subject configured for outbound events', durationMs: 0 };
    try {
      const nc = await this.connection();
      const data = new TextEncoder().encode(JSON.stringify(message.event));
      if (this.js) {
        const ack = await this.js.publish(this.cfg.subject, data, { msgID: message.deliveryId, headers: this.headersFor(message), timeout: this.ctx.timeoutMs });
        this.ctx.logger.debug('published to JetStream', { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate });
      } else {
        nc.publish(this.cfg.subject, data, { headers: this.headersFor(message) });
        // Core publish is fire-and-forget: a flush round trip proves the server has it.
        await withTimeout(nc.flush(), this.ctx.timeoutMs, 'NATS flush');
      }
      return { ok: true, retryable: false, durationMs: Date.now() - started };
    } catch (e) {
      return { ok: false, ...classify(e), durationMs: Date.now() - started };
    }
  }

  async startListening(handler: InboundHandler): Promise<void> {
    if (this.subs.length) return;
    if (!this.cfg.subjects.length) throw new ConnectorError('subjects is required to receive messages');
    const nc = await this.connection();
    for (const subject of this.cfg.subjects) {
      const sub = nc.subscribe(subject, this.cfg.queue ? { queue: this.cfg.queue } : {});
      const done = (async () => {
        for await (const m of sub) {
          const attributes: Record<string, string> = { subject: m.subject };
          for (const [k, v] of m.headers ?? []) attributes[k] = v.join(',');
          const id = m.headers?.get('Nats-Msg-Id') || createHash('sha256').update(m.subject).update('\0').update(m.data).digest('hex').slice(0, 32);
          const text = new TextDecoder().decode(m.data);
          let data: unknown = text;
          try {
            data = JSON.parse(text);
          } catch {
            // not JSON: hand over the text as is
          }
          try {
            await handler({ id, data, attributes });
          } catch (e) {
            // Core NATS has no redelivery: the failure is logged; durable intake needs a JetStream consumer.
            this.ctx.logger.warn('NATS inbound handler failed', { subject: m.subject, id, error: (e as Error).message });
          }
        }
      })();
      this.subs.push({ sub, done });
    }
    await withTimeout(nc.flush(), this.ctx.timeoutMs, 'NATS subscribe');
  }

  async stopListening(): Promise<void> {
    const subs = this.subs;
    this.subs = [];
    // drain: stop new deliveries, let the ones already received reach the handler.
    await Promise.all(subs.map((s) => s.sub.drain().catch(() => s.sub.unsubscribe())));
    await Promise.all(subs.map((s) => s.done));
  }

  async close(): Promise<void> {
    await this.stopListening();
    const nc = this.nc ?? (await this.connecting?.catch(() => undefined));
    this.nc = undefined;
    this.js = undefined;
    await nc?.close().catch(() => undefined);
  }
}
