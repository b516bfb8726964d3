import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { checkServerIdentity, ConnectionOptions as TlsConnectOptions } from 'node:tls';
import { AckPolicy, connect, ConnectionOptions, ConsumerMessages, credsAuthenticator, DeliverPolicy, ErrorCode, headers, JetStreamClient, JsMsg, Msg, MsgHdrs, NatsConnection, NatsError, Subscription, TlsOptions } from 'nats';
import { AuthType, Direction, FieldError } from '@app/contracts';
import { Connector, ConnectorContext, ConnectorError, HealthResult, InboundHandler, OutboundMessage, SendResult } from '../../connector.port';
import { LookupFn, OutboundGuard } from '../../http/outbound-guard';
import { joinHostPort, parseIp } from '../../http/ip-address';
import { checkCaBundle } from '../tls-ca';
import { ConnectionFields } from '../../connection-validator';

export interface NatsSettings {
  servers: string[];
  /** Where outbound events are published. */
  subject?: string;
  /** What INBOUND subscribes to (wildcards allowed). */
  subjects: string[];
  /** Queue group so that replicas share the inbound messages instead of each getting all of them. */
  queue?: string;
  /**
   * Outbound: publish through JetStream (acked, deduplicated by Nats-Msg-Id within the stream's window).
   * Inbound: consume `stream` with a durable consumer, acking only after the handler resolved.
   */
  jetstream: boolean;
  tls: boolean;
  /** PEM CA bundle for servers with a private CA; the system's CAs otherwise. */
  ca?: string;
  /** JetStream inbound: the stream to consume. */
  stream?: string;
  /** JetStream inbound: durable consumer name, so a restart resumes where the last one acked. */
  durable: string;
  /** JetStream inbound: redelivery delay after a handler failure. */
  nak_delay_seconds: number;
}

// Publish subjects: tokens of printable characters without wildcards; subscriptions may use * and >.
const PUB_SUBJECT = /^[^\s.*>]+(\.[^\s.*>]+)*$/;
const SUB_SUBJECT = /^([^\s.*>]+|\*)(\.([^\s.*>]+|\*))*(\.>)?$|^>$/;
const SERVER = /^((nats|tls):\/\/)?[^\s/:]+(:\d{1,5})?$/;

export function validateNatsConnection(c: Record<string, unknown>, direction?: Direction): FieldError[] {
  const f = new ConnectionFields(c);
  const servers = typeof c.servers === 'string' ? [c.servers] : c.servers;
  if (!Array.isArray(servers) || servers.length === 0 || servers.length > 16 || !servers.every((s) => typeof s === 'string' && SERVER.test(s))) {
    f.fail('servers', 'must be one to 16 server addresses like nats://host:4222');
  }
  f.check('subject', (v) => typeof v === 'string' && v.length <= 256 && PUB_SUBJECT.test(v), 'must be a NATS subject without wildcards');
  f.check('subjects', (v) => Array.isArray(v) && v.length > 0 && v.length <= 32 && v.every((s) => typeof s === 'string' && s.length <= 256 && SUB_SUBJECT.test(s)), 'must be one to 32 NATS subjects (wildcards * and > allowed)');
  if (direction === undefined) {
    if (c.subject === undefined && c.subjects === undefined) f.fail('subject', 'subject (outbound) or subjects (inbound) is required');
  } else {
    if (direction !== Direction.INBOUND && c.subject === undefined) f.fail('subject', 'is required to publish events');
    if (direction !== Direction.OUTBOUND && c.subjects === undefined && c.jetstream !== true) f.fail('subjects', 'is required to receive messages');
  }
  f.check('queue', (v) => typeof v === 'string' && /^[\w.-]{1,128}$/.test(v), 'must be a queue group name');
  for (const key of ['user', 'password', 'token', 'credentials']) f.check(key, (v) => typeof v === 'string' && v.length <= 16384, 'must be a string');
  // `credentials`, not `creds`: only names matching CONNECTION_SECRET_KEY are encrypted and masked.
  f.check('creds', () => false, 'put the .creds text in `credentials` (a field stored as a secret)');
  f.check('credentials', (v) => /-----BEGIN NATS USER JWT-----/.test(String(v)), 'must be the text of a NATS .creds file');
  for (const key of ['jetstream', 'tls']) f.boolean(key);
  checkCaBundle(c, f.errors);
  for (const key of ['stream', 'durable']) f.check(key, (v) => typeof v === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(v), 'must be 1-128 letters, digits, _ or -');
  f.range('nak_delay_seconds', 0, 3600);
  if (c.jetstream === true && direction !== undefined && direction !== Direction.OUTBOUND) {
    if (c.stream === undefined) f.fail('stream', 'is required to consume from JetStream');
    // One filter subject: servers before 2.10 have no filter_subjects.
    if (Array.isArray(c.subjects) && c.subjects.length > 1) f.fail('subjects', 'JetStream inbound takes one subject filter');
  }
  return f.errors;
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

/** The configured servers (`nats://host:4222`, `tls://host`, `host:4222`, `host`) as checked addresses for nats.js. */
export interface PinnedServers {
  /** `address:port` of every address the guard allowed, for every server. */
  servers: string[];
  /** What the certificates must name: the configured host names (or the addresses written as such). */
  identities: string[];
}

/**
 * The servers as addresses the guard checked, not as names: nats.js would resolve the names itself, again and on
 * every reconnect (DNS rebinding). It is given the addresses, reconnects to them only, and never resolves.
 */
export async function pinnedServers(servers: string[], guard: OutboundGuard): Promise<PinnedServers> {
  const pinned = new Set<string>();
  const identities = new Set<string>();
  for (const server of servers) {
    const [, host, port = '4222'] = /^(?:(?:nats|tls):\/\/)?([^:]+)(?::(\d+))?$/.exec(server) as RegExpExecArray;
    const addresses = await guard.resolve(host);
    for (const address of addresses) pinned.add(joinHostPort(address, Number(port)));
    identities.add(parseIp(host) ? addresses[0] : host);
  }
  return { servers: [...pinned], identities: [...identities] };
}

/**
 * TLS for pinned servers: the host name as SNI (an address may not be one) and a certificate check against the
 * configured names, since nats.js would check it against the address. One setting serves every server of the
 * connection, so with servers of several names a certificate naming any of them is accepted.
 */
function pinnedTls(identities: string[], ca?: string): TlsOptions {
  const sni = identities.find((h) => !isIP(h));
  const tls: TlsConnectOptions = {
    ...(ca ? { ca } : {}),
    ...(sni ? { servername: sni } : {}),
    checkServerIdentity: (_servername, cert) => {
      const failures = identities.map((h) => checkServerIdentity(h, cert));
      return failures.every(Boolean) ? failures[0] : undefined;
    },
  };
  // nats.js passes its tls settings on to Node's tls.connect, whose options these are.
  return tls as TlsOptions;
}

export class NatsConnector implements Connector {
  private readonly cfg: NatsSettings;
  private nc?: NatsConnection;
  private connecting?: Promise<NatsConnection>;
  private js?: JetStreamClient;
  private subs: Array<{ sub: Subscription; done: Promise<void> }> = [];
  private consumer?: { messages: ConsumerMessages; done: Promise<void> };

  constructor(
    private readonly ctx: ConnectorContext,
    /** DNS override (tests); the guard still checks every answer. */
    private readonly lookup?: LookupFn,
  ) {
    ConnectorError.throwIfInvalid(validateNatsConnection(ctx.connection, ctx.direction));
    const c = ctx.connection;
    this.cfg = {
      servers: typeof c.servers === 'string' ? [c.servers] : (c.servers as string[]),
      subject: c.subject as string | undefined,
      subjects: (c.subjects as string[] | undefined) ?? [],
      // Replicas of integration-service must share the messages, not each get all of them.
      queue: (c.queue as string | undefined) ?? `aws-mcp-${ctx.integrationId}`,
      jetstream: c.jetstream === true,
      tls: c.tls === true,
      ca: c.ca as string | undefined,
      stream: c.stream as string | undefined,
      durable: (c.durable as string | undefined) ?? `aws-mcp-${ctx.integrationId}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 128),
      nak_delay_seconds: (c.nak_delay_seconds as number | undefined) ?? 5,
    };
  }

  /** Credentials: the integration's auth (BASIC, BEARER_TOKEN) first, then the connection's own fields. */
  private options(reconnect: boolean, pinned: PinnedServers): ConnectionOptions {
    const c = this.ctx.connection;
    const a = this.ctx.auth;
    const opts: ConnectionOptions = {
      servers: pinned.servers,
      // Servers a server gossips (connect_urls) would be dialled unchecked: only the configured ones are used.
      ignoreClusterUpdates: true,
      name: `aws-mcp-integration-${this.ctx.integrationId}`,
      timeout: this.ctx.timeoutMs,
      reconnect,
      maxReconnectAttempts: reconnect ? -1 : 0,
      // null is nats.js's "plaintext only": a server that requires TLS is refused rather than checked by address.
      tls: this.cfg.tls ? pinnedTls(pinned.identities, this.cfg.ca) : null,
    };
    if (a.type === AuthType.BASIC && a.username) Object.assign(opts, { user: a.username, pass: a.password ?? '' });
    else if (a.type === AuthType.BEARER_TOKEN && a.token) opts.token = a.token;
    else if (typeof c.credentials === 'string') opts.authenticator = credsAuthenticator(new TextEncoder().encode(c.credentials));
    else if (typeof c.token === 'string') opts.token = c.token;
    else if (typeof c.user === 'string') Object.assign(opts, { user: c.user, pass: typeof c.password === 'string' ? c.password : '' });
    return opts;
  }

  /** Connects to the addresses the guard checked (see pinnedServers). */
  private async open(reconnect: boolean): Promise<NatsConnection> {
    const pinned = await pinnedServers(this.cfg.servers, new OutboundGuard(this.ctx.outbound, this.lookup));
    try {
      return await connect(this.options(reconnect, pinned));
    } catch (e) {
      if (!this.cfg.tls && (e as NatsError).code === ErrorCode.Tls) throw new ConnectorError('the server requires TLS: set tls: true', false);
      throw e;
    }
  }

  private async connection(): Promise<NatsConnection> {
    if (this.nc && !this.nc.isClosed()) return this.nc;
    this.connecting ??= (async () => {
      const nc = await this.open(true);
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
        own = nc = await this.open(false);
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

  /** Id from Nats-Msg-Id, else `fallbackId` (JetStream: stream:seq), else a hash of subject and payload. */
  private inbound(m: Msg | JsMsg, fallbackId?: string) {
    const attributes: Record<string, string> = { subject: m.subject };
    for (const [k, v] of m.headers ?? []) attributes[k] = v.join(',');
    const id = m.headers?.get('Nats-Msg-Id') || fallbackId || createHash('sha256').update(m.subject).update('\0').update(m.data).digest('hex').slice(0, 32);
    const text = new TextDecoder().decode(m.data);
    let data: unknown = text;
    try {
      data = JSON.parse(text);
    } catch {
      // not JSON: hand over the text as is
    }
    return { id, data, attributes };
  }

  async startListening(handler: InboundHandler): Promise<void> {
    if (this.subs.length || this.consumer) return;
    const nc = await this.connection();
    if (this.cfg.jetstream) return this.consumeJetStream(nc, handler);
    if (!this.cfg.subjects.length) throw new ConnectorError('subjects is required to receive messages');
    for (const subject of this.cfg.subjects) {
      const sub = nc.subscribe(subject, this.cfg.queue ? { queue: this.cfg.queue } : {});
      const done = (async () => {
        for await (const m of sub) {
          const msg = this.inbound(m);
          try {
            await handler(msg);
          } catch (e) {
            // Core NATS has no redelivery: the failure is logged; use jetstream: true for durable intake.
            this.ctx.logger.warn('NATS inbound handler failed', { subject: m.subject, id: msg.id, error: (e as Error).message });
          }
        }
      })();
      this.subs.push({ sub, done });
    }
    await withTimeout(nc.flush(), this.ctx.timeoutMs, 'NATS subscribe');
  }

  /** Durable pull consumer: ack after the handler resolved, nak (redeliver later) when it rejected. */
  private async consumeJetStream(nc: NatsConnection, handler: InboundHandler): Promise<void> {
    const stream = this.cfg.stream;
    if (!stream) throw new ConnectorError('stream is required to consume from JetStream');
    try {
      const jsm = await nc.jetstreamManager({ timeout: this.ctx.timeoutMs });
      const exists = await jsm.consumers.info(stream, this.cfg.durable).then(() => true, (e: NatsError) => {
        if (e.api_error?.err_code === 10014 || e.code === '404') return false; // consumer not found
        throw e;
      });
      if (!exists) {
        await jsm.consumers.add(stream, {
          durable_name: this.cfg.durable,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          ...(this.cfg.subjects[0] ? { filter_subject: this.cfg.subjects[0] } : {}),
        });
      }
      const consumer = await nc.jetstream().consumers.get(stream, this.cfg.durable);
      const messages = await consumer.consume({ max_messages: 64 });
      const done = (async () => {
        for await (const m of messages) {
          const msg = this.inbound(m, `${stream}:${m.seq}`);
          msg.attributes.stream_seq = String(m.seq);
          msg.attributes.delivery_count = String(m.info.redeliveryCount); // nats.js names it redeliveryCount; it is 1 on the first delivery
          try {
            await handler(msg);
          } catch (e) {
            this.ctx.logger.warn('NATS JetStream handler failed; message will be redelivered', { subject: m.subject, id: msg.id, error: (e as Error).message });
            m.nak(this.cfg.nak_delay_seconds * 1000);
            continue;
          }
          // Wait for the server to confirm: an ack lost here would mean a duplicate, which the receiver drops.
          await m.ackAck({ timeout: this.ctx.timeoutMs }).catch(() => m.ack());
        }
      })();
      this.consumer = { messages, done };
    } catch (e) {
      const c = classify(e);
      throw new ConnectorError(`cannot consume ${stream}: ${c.error}`, c.retryable);
    }
  }

  async stopListening(): Promise<void> {
    const subs = this.subs;
    const consumer = this.consumer;
    this.subs = [];
    this.consumer = undefined;
    if (consumer) {
      await consumer.messages.close().catch(() => undefined);
      await consumer.done;
    }
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
