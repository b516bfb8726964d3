import { AppException, CloudEvent, GatherSubject, isCloudEvent, RequestSubject, RpcCallOptions, RpcRequest, RpcResponse, rpcTimeoutMs } from '@app/contracts';
import { CORRELATION_HEADER, runForEvent } from '@app/observability';
import { Logger } from '@nestjs/common';
import {
  AckPolicy,
  connect,
  Consumer,
  ConsumerMessages,
  DeliverPolicy,
  ErrorCode,
  JsMsg,
  headers as natsHeaders,
  JetStreamClient,
  JetStreamManager,
  NatsConnection,
  NatsError,
  RetentionPolicy,
  StorageType,
  nanos,
} from 'nats';
import { outgoingCorrelationId, runHandler, unwrapReply } from './handler.runner';
import { BatchItem, Closeable, ConsumeBatchOptions, ConsumeOptions, EventStreamHandle, MessageBus, RequestHandler, ServeOptions, StreamHandler, StreamOptions, subjectMatches } from './message-bus';

export interface NatsBusOptions {
  url: string;
  /** Connection name shown by the server (`nats server report connections`). */
  name: string;
  requestTimeoutMs: number;
  stream: { name: string; subjects: readonly string[]; maxAgeHours: number };
  /**
   * The deployment's prefix (`nats.prefix`, e.g. `acme.prod`), or empty: put in front of every subject on the wire (rpc
   * and events), the stream name, durable consumer names and queue groups, so that several deployments share one
   * NATS. Handlers and contracts never see it: subjects are translated here, both ways.
   */
  prefix?: string;
}

/** `acme.prod` → `acme_prod`: stream and durable names allow no dots. */
const nameToken = (prefix: string) => prefix.replace(/\./g, '_');

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const encode = (v: unknown) => encoder.encode(JSON.stringify(v));
const decode = (b: Uint8Array): unknown => (b.length ? JSON.parse(decoder.decode(b)) : null);

/**
 * NATS adapter: core request/reply with queue groups for commands and queries, JetStream for events
 * (publish with Nats-Msg-Id, durable pull consumers with explicit acks).
 */
export class NatsMessageBus implements MessageBus {
  readonly kind = 'nats' as const;
  private readonly logger = new Logger('NatsMessageBus');
  private js!: JetStreamClient;
  private jsm!: JetStreamManager;
  private streamReady?: Promise<void>;
  /** Why the connection is known to be down (a disconnect or reconnect attempt was reported), or undefined while it is up. */
  private down?: string;

  /** `<prefix>.` or empty. */
  private readonly wirePrefix: string;
  /** The event stream's name on the server (prefixed). */
  readonly streamName: string;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly opts: NatsBusOptions,
  ) {
    this.js = nc.jetstream();
    this.wirePrefix = opts.prefix ? `${opts.prefix}.` : '';
    this.streamName = opts.prefix ? `${nameToken(opts.prefix)}_${opts.stream.name}` : opts.stream.name;
  }

  /** A subject or pattern as it is on the wire: with the deployment prefix. */
  wireSubject(subject: string): string {
    return this.wirePrefix + subject;
  }

  /** A subject from the wire as handlers know it (without the prefix). */
  localSubject(subject: string): string {
    return this.wirePrefix && subject.startsWith(this.wirePrefix) ? subject.slice(this.wirePrefix.length) : subject;
  }

  /** A durable consumer's (or queue group's) name on the server: prefixed, so deployments never share one. */
  durableName(durable: string): string {
    return this.opts.prefix ? `${nameToken(this.opts.prefix)}_${durable}` : durable;
  }

  static async connect(opts: NatsBusOptions): Promise<NatsMessageBus> {
    let nc: NatsConnection;
    try {
      // noAsyncTraces: nats.js otherwise captures a stack trace for every request (two Error objects per RPC, a
      // third of the gateway's NATS cost); our transport errors name the subject, which is what a reader needs.
      // pingInterval: a server that vanished without closing the socket (a partition) is noticed in 2 × 10 s, not 2 × 2 min.
      nc = await connect({ servers: opts.url.split(',').map((s) => s.trim()), name: opts.name, maxReconnectAttempts: -1, reconnectTimeWait: 500, timeout: 5000, noAsyncTraces: true, pingInterval: 10_000, maxPingOut: 2 });
    } catch (e) {
      throw new Error(`Cannot connect to NATS at ${opts.url}: ${(e as Error).message}`);
    }
    const bus = new NatsMessageBus(nc, opts);
    bus.jsm = await nc.jetstreamManager({ timeout: 5000 }).catch((e: Error) => {
      throw new Error(`NATS at ${opts.url} has no JetStream (start nats-server with -js): ${e.message}`);
    });
    void (async () => {
      for await (const s of nc.status()) bus.onStatus(s.type, s.data);
    })();
    return bus;
  }

  /**
   * Follows the connection: while it is known to be down (between a disconnect, or a reconnect attempt, and the next
   * reconnect), requests fail at once with SERVICE_UNAVAILABLE instead of waiting their whole timeout in nats.js's buffer.
   */
  private onStatus(type: string, data: unknown): void {
    if (type === 'disconnect' || type === 'reconnecting' || type === 'staleConnection') {
      if (!this.down) this.logger.warn(`NATS ${type} (${String(data)}): requests fail fast until it reconnects`);
      this.down = `the connection to NATS is down (${type})`;
    } else if (type === 'reconnect') {
      this.down = undefined;
      this.logger.warn(`NATS reconnect (${String(data)})`);
    }
  }

  /** SERVICE_UNAVAILABLE when the connection is known to be down or closed; nothing would reach a responder now. */
  private assertConnected(subject: string): void {
    const why = this.nc.isClosed() ? 'the connection to NATS is closed' : this.down;
    if (why) throw new AppException('SERVICE_UNAVAILABLE', `Messaging is unavailable for ${subject}: ${why}`, { retryAfterSeconds: 5 });
  }

  /** Creates the event stream, or widens its subjects; idempotent and shared by every app. */
  ensureStream(): Promise<void> {
    this.streamReady ??= (async () => {
      const name = this.streamName;
      const subjects = this.opts.stream.subjects.map((s) => this.wireSubject(s));
      const { maxAgeHours } = this.opts.stream;
      const config = { name, subjects: [...subjects], retention: RetentionPolicy.Limits, storage: StorageType.File, max_age: nanos(maxAgeHours * 3600_000), duplicate_window: nanos(120_000) };
      try {
        const info = await this.jsm.streams.info(name);
        const missing = subjects.filter((s) => !info.config.subjects?.includes(s));
        if (missing.length) await this.jsm.streams.update(name, { ...info.config, subjects: [...(info.config.subjects ?? []), ...missing] });
      } catch (e) {
        if ((e as NatsError).code !== '404' && !String((e as Error).message).includes('not found')) throw e;
        await this.jsm.streams.add(config).catch(async (err: Error) => {
          // another app created it between our info and add
          if (!String(err.message).includes('already in use')) throw err;
        });
      }
    })().catch((e) => {
      this.streamReady = undefined;
      throw e;
    });
    return this.streamReady;
  }

  async request<S extends RequestSubject>(subject: S, payload: RpcRequest<S>, ...opts: RpcCallOptions<S>): Promise<RpcResponse<S>> {
    this.assertConnected(subject);
    const h = natsHeaders();
    h.set(CORRELATION_HEADER, outgoingCorrelationId());
    const timeout = rpcTimeoutMs(subject, opts[0], this.opts.requestTimeoutMs);
    let reply;
    try {
      reply = await this.nc.request(this.wireSubject(subject), encode(payload), { timeout, headers: h });
    } catch (e) {
      throw this.transportError(subject, e as NatsError, timeout);
    }
    return unwrapReply<RpcResponse<S>>(decode(reply.data));
  }

  async gather<S extends GatherSubject>(subject: S, payload: RpcRequest<S>): Promise<Array<RpcResponse<S>>> {
    this.assertConnected(subject);
    const h = natsHeaders();
    h.set(CORRELATION_HEADER, outgoingCorrelationId());
    const out: Array<RpcResponse<S>> = [];
    const window = rpcTimeoutMs(subject, undefined, 1000);
    try {
      const it = await this.nc.requestMany(this.wireSubject(subject), encode(payload), { maxWait: window, headers: h });
      for await (const m of it) {
        try {
          out.push(unwrapReply<RpcResponse<S>>(decode(m.data)));
        } catch {
          // one broken instance must not hide the others
        }
      }
    } catch (e) {
      if ((e as NatsError).code !== ErrorCode.NoResponders) throw this.transportError(subject, e as NatsError, window);
    }
    return out;
  }

  private transportError(subject: string, e: NatsError, timeout: number): AppException {
    if (e.code === ErrorCode.NoResponders) return new AppException('SERVICE_UNAVAILABLE', `No instance of the service behind ${subject} is running`, { retryAfterSeconds: 5 });
    if (e.code === ErrorCode.Timeout) return new AppException('UPSTREAM_TIMEOUT', `The service behind ${subject} did not answer within ${timeout} ms`, { retryAfterSeconds: 5 });
    return new AppException('SERVICE_UNAVAILABLE', `Messaging is unavailable: ${e.message}`, { retryAfterSeconds: 5 });
  }

  serve(subject: string, handler: RequestHandler, opts: ServeOptions = {}): Closeable {
    const app = opts.app ?? opts.queue ?? 'unknown';
    const sub = this.nc.subscribe(this.wireSubject(subject), {
      queue: opts.queue === undefined ? undefined : this.wireSubject(opts.queue),
      callback: (err, msg) => {
        if (err) return this.logger.error(`subscription ${subject} failed: ${err.message}`);
        let payload: unknown;
        try {
          payload = decode(msg.data);
        } catch {
          msg.respond(encode({ ok: false, error: new AppException('BAD_REQUEST', 'Payload is not valid JSON').toPayload() }));
          return;
        }
        void runHandler(app, handler, payload, subject, msg.headers?.get(CORRELATION_HEADER)).then((reply) => {
          if (msg.reply) msg.respond(encode(reply));
        });
      },
    });
    return { close: async () => sub.drain().catch(() => sub.unsubscribe()) };
  }

  async publish(event: CloudEvent, subject = event.type): Promise<void> {
    this.assertConnected(subject);
    await this.ensureStream();
    const h = natsHeaders();
    if (event.correlationid) h.set(CORRELATION_HEADER, event.correlationid);
    h.set('ce-type', event.type);
    h.set('ce-source', event.source);
    await this.js.publish(this.wireSubject(subject), encode(event), { msgID: event.id, headers: h });
  }

  async consume(opts: ConsumeOptions): Promise<Closeable> {
    await this.ensureStream();
    const durable = this.durableName(opts.durable);
    // nats-server 2.9 filters on one subject only: with several patterns the consumer reads all and skips the rest.
    const filter = opts.subjects.length === 1 ? this.wireSubject(opts.subjects[0]) : undefined;
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: opts.deliverFrom === 'all' ? DeliverPolicy.All : DeliverPolicy.New,
      ack_wait: nanos(opts.ackWaitMs ?? 30_000),
      max_deliver: -1,
      ...(filter ? { filter_subject: filter } : {}),
    };
    const consumer = await this.durableConsumer(durable, config);
    return this.pull(consumer, opts.durable, 256, async (m) => {
      let event: unknown;
      try {
        event = decode(m.data);
      } catch {
        m.term();
        return;
      }
      const subject = this.localSubject(m.subject);
      if (!isCloudEvent(event) || !opts.subjects.some((p) => subjectMatches(p, subject))) {
        m.ack();
        return;
      }
      try {
        await runForEvent(event.correlationid, () => opts.handler(event as CloudEvent, { subject, sequence: m.seq, redelivered: m.redelivered, deliveryCount: m.info.redeliveryCount }));
        m.ack();
      } catch (e) {
        this.logger.warn(`consumer ${opts.durable} failed on ${m.subject} #${m.seq}: ${(e as Error).message}; will retry`);
        m.nak(Math.min(30_000, 500 * 2 ** Math.min(m.info.redeliveryCount, 6)));
      }
    });
  }

  /** Pulls from a durable consumer until closed, one message at a time through `onMessage`, resuming after an interruption. */
  private pull(consumer: Consumer, name: string, maxMessages: number, onMessage: (m: JsMsg) => Promise<void>): Closeable {
    let messages: ConsumerMessages | undefined;
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        try {
          messages = await consumer.consume({ max_messages: maxMessages });
          for await (const m of messages) {
            if (stopped) break;
            await onMessage(m);
          }
        } catch (e) {
          if (stopped) break;
          this.logger.warn(`consumer ${name} interrupted: ${(e as Error).message}; resuming`);
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    })();
    return {
      close: async () => {
        stopped = true;
        await messages?.close().catch(() => undefined);
        await loop.catch(() => undefined);
      },
    };
  }

  /** The durable consumer, created with `config` unless it exists (another replica or an earlier run made it). */
  private async durableConsumer(durable: string, config: Parameters<JetStreamManager['consumers']['add']>[1]) {
    try {
      await this.jsm.consumers.info(this.streamName, durable);
    } catch {
      await this.jsm.consumers.add(this.streamName, config).catch((e: Error) => {
        if (!String(e.message).includes('already')) throw e;
      });
    }
    return this.js.consumers.get(this.streamName, durable);
  }

  /**
   * Pulls events into a buffer and hands them on in batches of up to `maxBatch`, one batch at a time so that the
   * handler sees them in stream order; a few milliseconds (`gatherMs`) of events make a batch, so under load it holds
   * hundreds. The buffer is bounded (4 batches): the pull waits for the handler beyond that.
   */
  async consumeBatch(opts: ConsumeBatchOptions): Promise<Closeable> {
    await this.ensureStream();
    const filter = opts.subjects.length === 1 ? this.wireSubject(opts.subjects[0]) : undefined;
    const consumer = await this.durableConsumer(this.durableName(opts.durable), {
      durable_name: this.durableName(opts.durable),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
      ack_wait: nanos(opts.ackWaitMs ?? 30_000),
      max_deliver: -1,
      ...(opts.maxPending ? { max_ack_pending: opts.maxPending } : {}),
      ...(filter ? { filter_subject: filter } : {}),
    });
    let stopped = false;
    let buffer: JsMsg[] = [];
    let flushing: Promise<void> | null = null;
    const flush = async (batch: JsMsg[]): Promise<void> => {
      const items: BatchItem[] = [];
      for (const m of batch) {
        try {
          const event = decode(m.data);
          const subject = this.localSubject(m.subject);
          if (isCloudEvent(event) && opts.subjects.some((p) => subjectMatches(p, subject))) {
            items.push({ event, delivery: { subject, sequence: m.seq, redelivered: m.redelivered, deliveryCount: m.info.redeliveryCount } });
          }
        } catch {
          // not JSON: acknowledged below and skipped
        }
      }
      try {
        if (items.length) await opts.handler(items);
        for (const m of batch) m.ack();
      } catch (e) {
        this.logger.warn(`consumer ${opts.durable} could not take ${batch.length} event(s): ${(e as Error).message}; they will be redelivered`);
        for (const m of batch) m.nak(2000);
      }
    };
    // One flusher at a time, so that batches are handled in the order the stream gave the events.
    const kick = (): void => {
      if (flushing) return;
      flushing = (async () => {
        const until = Date.now() + opts.gatherMs;
        while (buffer.length < opts.maxBatch && Date.now() < until && !stopped) await new Promise((r) => setTimeout(r, 1));
        while (buffer.length) await flush(buffer.splice(0, opts.maxBatch));
      })().finally(() => {
        flushing = null;
        if (buffer.length && !stopped) kick();
      });
    };
    const puller = this.pull(consumer, opts.durable, Math.max(256, 4 * opts.maxBatch), async (m) => {
      buffer.push(m);
      kick();
      if (buffer.length >= 4 * opts.maxBatch) await flushing;
    });
    return {
      close: async () => {
        stopped = true;
        await puller.close();
        await (flushing as Promise<void> | null)?.catch(() => undefined);
        buffer = [];
      },
    };
  }

  /**
   * An ordered (ephemeral, flow-controlled, gap-detecting) consumer on the event stream: from `afterSequence + 1`
   * when resuming, else only new events. One pattern filters on the server; several are filtered here
   * (nats-server 2.9 takes one filter subject per consumer).
   */
  async stream(patterns: string[], opts: StreamOptions, handler: StreamHandler): Promise<EventStreamHandle> {
    await this.ensureStream();
    const filter = patterns.length === 1 ? patterns[0] : undefined;
    // "From now on" is read as "after the stream's last sequence": the same events as DeliverPolicy.New, but with a
    // position the reader can resume after, and nothing lost while the consumer is being created.
    const after = opts.afterSequence ?? (opts.since ? undefined : (await this.jsm.streams.info(this.streamName)).state.last_seq);
    const consumer = await this.js.consumers.get(this.streamName, {
      ...(filter ? { filterSubjects: this.wireSubject(filter) } : {}),
      ...(after !== undefined
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after + 1 }
        : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: opts.since!.toISOString() }),
    });
    const messages = await consumer.consume({ max_messages: 128 });
    let stopped = false;
    const loop = (async () => {
      for await (const m of messages) {
        if (stopped) break;
        const subject = this.localSubject(m.subject);
        if (!patterns.some((p) => subjectMatches(p, subject))) continue;
        let event: unknown;
        try {
          event = decode(m.data);
        } catch {
          continue;
        }
        if (!isCloudEvent(event)) continue;
        try {
          handler(event, { subject, sequence: m.seq });
        } catch (e) {
          this.logger.warn(`stream reader threw: ${(e as Error).message}`);
        }
      }
    })().catch((e: Error) => {
      if (!stopped) this.logger.warn(`event stream reader stopped: ${e.message}`);
    });
    return {
      after,
      close: async () => {
        stopped = true;
        await messages.close().catch(() => undefined);
        await loop;
      },
    };
  }

  subscribe(subjectPattern: string, handler: (event: CloudEvent, subject: string) => void): Closeable {
    const sub = this.nc.subscribe(this.wireSubject(subjectPattern), {
      callback: (err, msg) => {
        if (err) return;
        try {
          const event = decode(msg.data);
          if (isCloudEvent(event)) handler(event, this.localSubject(msg.subject));
        } catch {
          // not an event
        }
      },
    });
    return { close: async () => sub.unsubscribe() };
  }

  async ping(): Promise<void> {
    if (this.nc.isClosed()) throw new Error('NATS connection is closed');
    if (this.down) throw new Error(this.down);
    // flush waits while reconnecting: bound it so a readiness probe answers
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.nc.flush(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('NATS did not answer within 2 s')), 2000))),
    ]).finally(() => clearTimeout(timer));
  }

  get connection(): NatsConnection {
    return this.nc;
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }
}
