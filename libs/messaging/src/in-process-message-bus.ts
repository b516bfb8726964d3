import { AppException, CloudEvent, GatherSubject, RequestSubject, RpcCallOptions, RpcRequest, RpcResponse, rpcTimeoutMs } from '@app/contracts';
import { runForEvent } from '@app/observability';
import { Logger } from '@nestjs/common';
import { outgoingCorrelationId, runHandler, unwrapReply } from './handler.runner';
import { BatchItem, Closeable, ConsumeBatchOptions, ConsumeOptions, EventStreamHandle, MessageBus, RequestHandler, ServeOptions, StreamHandler, StreamOptions, subjectMatches } from './message-bus';

interface Served {
  handler: RequestHandler;
  queue?: string;
  app: string;
}

interface Durable {
  name: string;
  subjects: string[];
  /** Events per handler call: 1 for `consume`. */
  maxBatch: number;
  /** Resolves when the batch is done (acknowledged), rejects to have all of it redelivered. */
  run: (items: BatchItem[]) => Promise<void>;
  queue: Array<{ event: CloudEvent; subject: string; sequence: number; deliveries: number }>;
  running: boolean;
  closed: boolean;
}

/**
 * Standalone-mode adapter with the same semantics as NATS: payloads cross a JSON boundary, one member of a
 * queue group answers, no responder is SERVICE_UNAVAILABLE, events reach durable consumers in order with
 * redelivery on failure. Nothing survives the process, which is the point of standalone mode.
 */
export class InProcessMessageBus implements MessageBus {
  readonly kind = 'in-process' as const;
  private readonly logger = new Logger('InProcessMessageBus');
  private readonly served = new Map<string, Served[]>();
  private readonly roundRobin = new Map<string, number>();
  private readonly durables = new Map<string, Durable>();
  private readonly live = new Set<{ pattern: string; handler: (e: CloudEvent, s: string) => void }>();
  /** Ids seen recently, in two generations (each up to 50,000): O(1) per publish, unlike trimming one Set from its head. */
  private seenIds = new Set<string>();
  private seenIdsBefore = new Set<string>();
  private readonly streams = new Set<{ patterns: string[]; handler: StreamHandler }>();
  /** The last `historySize` events with their sequence: what a resuming stream can replay. */
  private readonly history: Array<{ event: CloudEvent; subject: string; sequence: number }> = [];
  private sequence = 0;
  private closed = false;

  constructor(
    private readonly requestTimeoutMs = 5000,
    private readonly historySize = 10_000,
  ) {}

  private pick(subject: string): Served[] {
    const all = this.served.get(subject) ?? [];
    const groups = new Map<string, Served[]>();
    const out: Served[] = [];
    for (const s of all) {
      if (!s.queue) out.push(s);
      else groups.set(s.queue, [...(groups.get(s.queue) ?? []), s]);
    }
    for (const [q, members] of groups) {
      const n = this.roundRobin.get(`${subject}|${q}`) ?? 0;
      this.roundRobin.set(`${subject}|${q}`, n + 1);
      out.push(members[n % members.length]);
    }
    return out;
  }

  async request<S extends RequestSubject>(subject: S, payload: RpcRequest<S>, ...opts: RpcCallOptions<S>): Promise<RpcResponse<S>> {
    const [target] = this.pick(subject);
    if (!target || this.closed) throw new AppException('SERVICE_UNAVAILABLE', `No instance of the service behind ${subject} is running`, { retryAfterSeconds: 5 });
    const timeout = rpcTimeoutMs(subject, opts[0], this.requestTimeoutMs);
    const wire = JSON.parse(JSON.stringify(payload ?? null));
    let timer: NodeJS.Timeout | undefined;
    const reply = await Promise.race([
      runHandler(target.app, target.handler, wire, subject, outgoingCorrelationId()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new AppException('UPSTREAM_TIMEOUT', `The service behind ${subject} did not answer within ${timeout} ms`, { retryAfterSeconds: 5 })), timeout);
      }),
    ]).finally(() => clearTimeout(timer));
    return unwrapReply<RpcResponse<S>>(JSON.parse(JSON.stringify(reply)));
  }

  async gather<S extends GatherSubject>(subject: S, payload: RpcRequest<S>): Promise<Array<RpcResponse<S>>> {
    const all = this.served.get(subject) ?? [];
    const cid = outgoingCorrelationId();
    const timeout = rpcTimeoutMs(subject, undefined, 1000);
    const replies = await Promise.all(
      all.map((s) =>
        Promise.race([runHandler(s.app, s.handler, JSON.parse(JSON.stringify(payload ?? null)), subject, cid), new Promise<null>((r) => setTimeout(() => r(null), timeout).unref())]),
      ),
    );
    const out: Array<RpcResponse<S>> = [];
    for (const r of replies) {
      if (!r) continue;
      try {
        out.push(unwrapReply<RpcResponse<S>>(r));
      } catch {
        // one broken instance must not hide the others
      }
    }
    return out;
  }

  serve(subject: string, handler: RequestHandler, opts: ServeOptions = {}): Closeable {
    const entry: Served = { handler, queue: opts.queue, app: opts.app ?? opts.queue ?? 'unknown' };
    this.served.set(subject, [...(this.served.get(subject) ?? []), entry]);
    return {
      close: async () => {
        this.served.set(subject, (this.served.get(subject) ?? []).filter((s) => s !== entry));
      },
    };
  }

  async publish(event: CloudEvent, subject = event.type): Promise<void> {
    if (this.closed) throw new AppException('SERVICE_UNAVAILABLE', 'Messaging is closed');
    // Nats-Msg-Id semantics: a retried publish of the same event id is dropped.
    if (this.seenIds.has(event.id) || this.seenIdsBefore.has(event.id)) return;
    this.seenIds.add(event.id);
    if (this.seenIds.size >= 50_000) {
      this.seenIdsBefore = this.seenIds;
      this.seenIds = new Set<string>();
    }
    const wire = JSON.parse(JSON.stringify(event)) as CloudEvent;
    const sequence = ++this.sequence;
    for (const d of this.durables.values()) {
      if (d.subjects.some((p) => subjectMatches(p, subject))) {
        d.queue.push({ event: wire, subject, sequence, deliveries: 0 });
        this.drain(d);
      }
    }
    this.history.push({ event: wire, subject, sequence });
    // Trimmed in chunks: splicing one event off the head of a full history on every publish copies the whole array each time.
    if (this.history.length >= 2 * this.historySize) this.history.splice(0, this.history.length - this.historySize);
    for (const st of this.streams) this.deliver(st, wire, subject, sequence);
    for (const l of this.live) {
      if (subjectMatches(l.pattern, subject)) {
        try {
          l.handler(JSON.parse(JSON.stringify(wire)), subject);
        } catch (e) {
          this.logger.warn(`live subscriber on ${l.pattern} threw: ${(e as Error).message}`);
        }
      }
    }
  }

  private drain(d: Durable): void {
    if (d.running || d.closed) return;
    d.running = true;
    void (async () => {
      while (d.queue.length && !d.closed) {
        const batch = d.queue.slice(0, d.maxBatch);
        for (const item of batch) item.deliveries++;
        try {
          await d.run(batch.map((i) => ({ event: JSON.parse(JSON.stringify(i.event)) as CloudEvent, delivery: { subject: i.subject, sequence: i.sequence, redelivered: i.deliveries > 1, deliveryCount: i.deliveries } })));
          d.queue.splice(0, batch.length);
        } catch (e) {
          const [first] = batch;
          this.logger.warn(`consumer ${d.name} failed on ${first.subject} #${first.sequence}${batch.length > 1 ? ` (and ${batch.length - 1} more)` : ''}: ${(e as Error).message}; will retry`);
          await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** Math.min(first.deliveries - 1, 6))));
        }
      }
      d.running = false;
    })();
  }

  /** Replicas in one process share a durable the way NATS replicas do: one queue, one worker (the first one's handler). */
  private join(d: Durable): Closeable {
    const existing = this.durables.get(d.name);
    const joined = existing ?? d;
    if (!existing) this.durables.set(d.name, d);
    return {
      close: async () => {
        joined.closed = true;
        this.durables.delete(d.name);
      },
    };
  }

  async consume(opts: ConsumeOptions): Promise<Closeable> {
    const run = async ([{ event, delivery }]: BatchItem[]) => runForEvent(event.correlationid, () => opts.handler(event, delivery));
    return this.join({ name: opts.durable, subjects: opts.subjects, maxBatch: 1, run, queue: [], running: false, closed: false });
  }

  /** Takes what has queued up, up to `maxBatch`, per call; a failed batch is retried whole with backoff. */
  async consumeBatch(opts: ConsumeBatchOptions): Promise<Closeable> {
    return this.join({ name: opts.durable, subjects: opts.subjects, maxBatch: opts.maxBatch, run: opts.handler, queue: [], running: false, closed: false });
  }

  subscribe(pattern: string, handler: (event: CloudEvent, subject: string) => void): Closeable {
    const entry = { pattern, handler };
    this.live.add(entry);
    return { close: async () => void this.live.delete(entry) };
  }

  private deliver(st: { patterns: string[]; handler: StreamHandler }, event: CloudEvent, subject: string, sequence: number): void {
    if (!st.patterns.some((p) => subjectMatches(p, subject))) return;
    try {
      st.handler(JSON.parse(JSON.stringify(event)), { subject, sequence });
    } catch (e) {
      this.logger.warn(`stream reader threw: ${(e as Error).message}`);
    }
  }

  /** Replays the kept history after `afterSequence` and follows live events, in one tick so nothing falls between. */
  async stream(patterns: string[], opts: StreamOptions, handler: StreamHandler): Promise<EventStreamHandle> {
    const entry = { patterns, handler };
    const after = opts.afterSequence ?? (opts.since ? undefined : this.sequence);
    if (opts.afterSequence !== undefined) {
      // The history may hold up to twice historySize between trims; replay keeps to the newest historySize.
      for (const h of this.history.slice(-this.historySize)) if (h.sequence > opts.afterSequence) this.deliver(entry, h.event, h.subject, h.sequence);
    } else if (opts.since) {
      const from = opts.since.getTime();
      for (const h of this.history.slice(-this.historySize)) if (Date.parse(h.event.time) >= from) this.deliver(entry, h.event, h.subject, h.sequence);
    }
    this.streams.add(entry);
    return { after, close: async () => void this.streams.delete(entry) };
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('messaging is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const d of this.durables.values()) d.closed = true;
  }
}
