import { CloudEvent, ErrorPayload, GatherSubject, RequestSubject, RpcCallOptions, RpcRequest, RpcResponse } from '@app/contracts';

/** What a request handler knows about the message it serves. */
export interface MessageContext {
  subject: string;
  correlationId: string;
}

export type RequestHandler = (payload: unknown, ctx: MessageContext) => Promise<unknown>;

/** Metadata of a delivered event: `redelivered` tells an idempotent consumer it may have seen it. */
export interface EventDelivery {
  subject: string;
  sequence: number;
  redelivered: boolean;
  deliveryCount: number;
}

export type EventHandler = (event: CloudEvent, delivery: EventDelivery) => Promise<void>;

export interface ServeOptions {
  /** The serving app, for metrics and logs. */
  app?: string;
  /** Queue group: one member handles each request. Omit for "every instance answers" (scatter-gather). */
  queue?: string;
}

export interface ConsumeOptions {
  /** Durable name: survives restarts, shared by every replica of the consumer (work is split among them). */
  durable: string;
  /** Subject patterns with NATS wildcards; events on other subjects are skipped. */
  subjects: string[];
  handler: EventHandler;
  /** Start with events published after the consumer was first created (default) or from the first one kept. */
  deliverFrom?: 'new' | 'all';
  /** How long an unacknowledged event waits before redelivery. */
  ackWaitMs?: number;
}

/** One event of a batch, with its delivery metadata. */
export interface BatchItem {
  event: CloudEvent;
  delivery: EventDelivery;
}

export interface ConsumeBatchOptions {
  /** Durable name, as for `consume`: shared by every replica, which split the events among them. */
  durable: string;
  /** Subject patterns; events on other subjects are acknowledged and skipped. */
  subjects: string[];
  /**
   * Up to `maxBatch` events in stream order, one batch at a time. Resolving acknowledges all of them; rejecting has
   * all of them redelivered (the handler must be idempotent per event id).
   */
  handler: (items: BatchItem[]) => Promise<void>;
  maxBatch: number;
  /** How long a batch waits for more events before it is handled (a few ms: batches fill under load only). */
  gatherMs: number;
  /** How long an unacknowledged event waits before redelivery. */
  ackWaitMs?: number;
  /** Events delivered but not yet acknowledged, at most (the consumer's read-ahead). */
  maxPending?: number;
}

/** Where a replayable stream starts: after a sequence (resume), or with events published from now on. */
export interface StreamOptions {
  /** Deliver events with a sequence greater than this one first (Last-Event-ID), then live ones. */
  afterSequence?: number;
  /** Without afterSequence: deliver the kept events published at or after this time first, then live ones. */
  since?: Date;
}

/** Position of a streamed event: the stream sequence a client resumes after. */
export interface StreamPosition {
  subject: string;
  sequence: number;
}

export type StreamHandler = (event: CloudEvent, position: StreamPosition) => void;

export interface Closeable {
  close(): Promise<void>;
}

/** An open `stream()`: live delivery follows every event up to `after`, so resuming after it loses nothing. */
export interface EventStreamHandle extends Closeable {
  /** The sequence the stream continues after (`afterSequence`, or the last one published when it opened); unknown for `since`. */
  readonly after: number | undefined;
}

/**
 * The messaging port. Two adapters implement it: NATS (+ JetStream) for distributed mode and an in-process
 * one for standalone mode. Handlers never know which one they run on.
 */
export interface MessageBus {
  readonly kind: 'nats' | 'in-process';
  /**
   * Request/reply, typed by the subject's contract (`RpcContracts`): the payload is its request class, the answer
   * its response, the wait its `timeoutMs`. Rejects with AppException: the handler's own, SERVICE_UNAVAILABLE or
   * UPSTREAM_TIMEOUT.
   */
  request<S extends RequestSubject>(subject: S, payload: RpcRequest<S>, ...opts: RpcCallOptions<S>): Promise<RpcResponse<S>>;
  /** Every reply that arrives within the contract's window, from every instance (for `rpc.system.ping`). */
  gather<S extends GatherSubject>(subject: S, payload: RpcRequest<S>): Promise<Array<RpcResponse<S>>>;
  /** Transport level (any subject); apps serve their contracts with `@OnMessage`. */
  serve(subject: string, handler: RequestHandler, opts?: ServeOptions): Closeable;
  /** Publishes a domain event durably; its `id` deduplicates retries. */
  publish(event: CloudEvent, subject?: string): Promise<void>;
  consume(opts: ConsumeOptions): Promise<Closeable>;
  /** A durable consumer that takes events in batches (one multi-row write per batch instead of one per event). */
  consumeBatch(opts: ConsumeBatchOptions): Promise<Closeable>;
  /** Live, non-durable subscription (event stream relays, tests). */
  subscribe(subjectPattern: string, handler: (event: CloudEvent, subject: string) => void): Closeable;
  /**
   * Ordered, non-durable read of the event stream with sequence numbers: replays what was kept after
   * `afterSequence`, then follows live events (SSE relays). Events matching none of `patterns` are skipped.
   */
  stream(patterns: string[], opts: StreamOptions, handler: StreamHandler): Promise<EventStreamHandle>;
  /** Resolves when the transport is usable; rejects with the reason otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const MESSAGE_BUS = Symbol('MESSAGE_BUS');

/** NATS subject matching: `*` is one token, `>` the rest (one or more tokens). */
export function subjectMatches(pattern: string, subject: string): boolean {
  if (pattern === subject) return true;
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/** Reply envelope on the wire. */
export type ReplyEnvelope = { ok: true; data: unknown } | { ok: false; error: ErrorPayload };
