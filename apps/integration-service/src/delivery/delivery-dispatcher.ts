import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { AppException, CircuitState, DeliveryStatus, DomainEvent, domainEvent, EventSubjects } from '@app/contracts';
import { EventPublisher } from '@app/messaging';
import { fullJitterDelayMs } from '@app/retry';
import { runAsNewWork } from '@app/observability';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConnectorError, SendResult } from '../connectors';
import { ConnectorCache } from './connector-cache';
import { claimPlan } from './delivery-order';
import { DELIVERY_GATE_REPOSITORY, DeliveryGateRepository } from './delivery-gate.repository';
import { AttemptRecord, ClaimedDelivery, DELIVERY_REPOSITORY, DeliveryRepository, DeliveryUpdate } from './delivery.repository';
import { DELIVERING, Subscriber, SubscriptionCache } from './subscription-cache';

/** Sends in flight per replica, all integrations together. */
const MAX_IN_FLIGHT = 512;
/** Claimed per integration per round. */
const MAX_CLAIM = 500;
const IDLE_TICK_MS = 25;
const SCAN_EVERY_MS = 1000;
const LEASE_MARGIN_MS = 10_000;
const FLUSH_GATHER_MS = 5;
const FLUSH_BATCH = 200;

interface Outcome {
  sub: Subscriber;
  attempt: AttemptRecord;
  update: DeliveryUpdate;
  event: { id: string; type: string };
}

/** The decision after one attempt: delivered, another attempt at `nextAttemptAt`, or dead. */
export function decide(sub: Pick<Subscriber, 'retry'>, attemptsSoFar: number, r: SendResult, now = Date.now(), random: () => number = Math.random): { status: DeliveryStatus; nextAttemptAt: Date } {
  if (r.ok) return { status: DeliveryStatus.DELIVERED, nextAttemptAt: new Date(now) };
  const attempt = attemptsSoFar + 1;
  const code = r.statusCode;
  // A listed status decides; without one (network error, timeout) the connector's verdict does. A 401 the connector
  // calls retryable is an OAuth2 token it just dropped.
  const retryable = code === undefined ? r.retryable : sub.retry.retry_on_status_codes.includes(code) || (code === 401 && r.retryable);
  if (!retryable || !sub.retry.enabled || attempt >= sub.retry.max_attempts) return { status: DeliveryStatus.DEAD, nextAttemptAt: new Date(now) };
  let delay = fullJitterDelayMs(attempt, sub.retry, random);
  if ((code === 429 || code === 503) && r.retryAfterSeconds !== undefined) delay = Math.max(delay, Math.min(r.retryAfterSeconds, 3600) * 1000);
  return { status: DeliveryStatus.PENDING, nextAttemptAt: new Date(now + delay) };
}

/**
 * Sends recorded deliveries. Each round, for every integration with due work: take tokens and the breaker's
 * permission in one atomic statement (shared by all replicas), lease that many due deliveries, send them through
 * the integration's connector, and record attempts and outcomes in batched statements. Retries are scheduled in
 * the database (`next_attempt_at`), never slept on; a lease that runs out (the replica died) makes a delivery due again.
 */
@Injectable()
export class DeliveryDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryDispatcher.name);
  readonly owner = `${hostname().slice(0, 32)}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly wakeAt = new Map<string, number>();
  private readonly wakeGen = new Map<string, number>();
  private readonly inflight = new Map<string, number>();
  private totalInFlight = 0;
  private results: Outcome[] = [];
  private flushing: Promise<void> | null = null;
  private running = false;
  private again = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private lastScan = 0;
  private readonly ensured = new Set<string>();
  /** Integrations this replica last saw CLOSED with no failures (a breaker statement per flush is then not needed). */
  private readonly healthy = new Set<string>();
  private readonly sends = new Set<Promise<void>>();

  constructor(
    @Inject(DELIVERY_REPOSITORY) private readonly repo: DeliveryRepository,
    @Inject(DELIVERY_GATE_REPOSITORY) private readonly gates: DeliveryGateRepository,
    private readonly subscribers: SubscriptionCache,
    private readonly connectors: ConnectorCache,
    private readonly publisher: EventPublisher,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const deadline = Date.now() + 5000;
    while (this.sends.size && Date.now() < deadline) await Promise.race([Promise.all(this.sends), new Promise((r) => setTimeout(r, 200))]);
    await this.flush();
    await this.connectors.closeAll();
  }

  /** Work may be due for these integrations now (new deliveries, a retry, a status change). */
  wake(ids: Iterable<string>, at = Date.now()): void {
    for (const id of ids) {
      const cur = this.wakeAt.get(id);
      if (cur === undefined || at < cur) this.wakeAt.set(id, at);
      this.wakeGen.set(id, (this.wakeGen.get(id) ?? 0) + 1);
    }
    if (at <= Date.now()) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    // A dispatch round: its sends, outcomes, dead letters and breaker events share an id of their own.
    this.timer = setTimeout(() => void runAsNewWork(() => this.tick()), ms);
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    this.again = false;
    try {
      if (Date.now() - this.lastScan >= SCAN_EVERY_MS) {
        this.lastScan = Date.now();
        for (const r of await this.repo.dueByIntegration()) this.wake([r.integration_id], new Date(r.due).getTime());
      }
      const now = Date.now();
      for (const [id, at] of [...this.wakeAt]) {
        if (at > now || this.totalInFlight >= MAX_IN_FLIGHT) continue;
        await this.round(id);
      }
    } catch (e) {
      this.logger.warn(`delivery round failed: ${(e as Error).message}`);
    } finally {
      this.running = false;
      this.schedule(this.again ? 0 : IDLE_TICK_MS);
    }
  }

  private async round(id: string): Promise<void> {
    const sub = this.subscribers.get(id);
    if (!sub || !DELIVERING.has(sub.status)) {
      // Paused (inactive, deleted, or not subscribing any more): the periodic scan wakes it when it can go again.
      this.wakeAt.delete(id);
      return;
    }
    const { mode, limit } = claimPlan(sub.delivery);
    const want = Math.min(limit - (this.inflight.get(id) ?? 0), MAX_IN_FLIGHT - this.totalInFlight, MAX_CLAIM);
    if (want <= 0) return;
    const capacity = Math.max(1, Math.ceil(sub.ratePerMinute / 60));
    if (!this.ensured.has(id)) {
      await this.gates.ensureState(id, capacity);
      this.ensured.add(id);
    }
    const gen = this.wakeGen.get(id);
    const leaseMs = sub.timeoutSeconds * 1000 + LEASE_MARGIN_MS;
    const gate = await this.gates.gate(id, { want, ratePerMinute: sub.ratePerMinute, capacity, cooldownSeconds: sub.delivery.circuit_cooldown_seconds, probeStaleSeconds: leaseMs / 1000 });
    if (!gate) {
      this.ensured.delete(id);
      return;
    }
    if (gate.granted === 0) {
      // No token, or the circuit is open: look again when a token will have dripped in (or soon, for the breaker).
      this.wakeAt.set(id, Date.now() + (gate.after === CircuitState.CLOSED ? Math.max(20, Math.ceil(60_000 / sub.ratePerMinute)) : 500));
      return;
    }
    if (gate.before !== CircuitState.CLOSED) this.healthy.delete(id);
    const claimed = await this.repo.claim(id, gate.granted, mode, leaseMs, this.owner);
    const probe = gate.before !== CircuitState.CLOSED;
    if (claimed.length < gate.granted) await this.gates.refund(id, gate.granted - claimed.length, capacity, probe && claimed.length === 0);
    if (probe && claimed.length) this.circuitChanged(id, gate.before, CircuitState.HALF_OPEN, 0);
    // Fewer than asked: nothing more is due now; a wake (new work, a result, the scan) brings it back.
    if (claimed.length < want && this.wakeGen.get(id) === gen) this.wakeAt.delete(id);
    for (const d of claimed) this.start(sub, d);
  }

  private start(sub: Subscriber, d: ClaimedDelivery): void {
    this.inflight.set(sub.id, (this.inflight.get(sub.id) ?? 0) + 1);
    this.totalInFlight++;
    const p = this.send(sub, d).finally(() => this.sends.delete(p));
    this.sends.add(p);
  }

  private async send(sub: Subscriber, d: ClaimedDelivery): Promise<void> {
    const startedAt = new Date();
    const t0 = performance.now();
    const attempt = d.attempts + 1;
    let result: SendResult;
    try {
      const connector = await this.connectors.get(sub.id, sub.updatedAt);
      if (!connector.send) throw new ConnectorError(`This integration type cannot send events`, false);
      const timeoutMs = sub.timeoutSeconds * 1000 + 1000;
      let timer: NodeJS.Timeout | undefined;
      result = await Promise.race([
        connector.send({ deliveryId: d.id, attempt, event: d.event as never }),
        new Promise<SendResult>((r) => (timer = setTimeout(() => r({ ok: false, retryable: true, error: `no answer within ${timeoutMs} ms`, durationMs: timeoutMs }), timeoutMs))),
      ]).finally(() => clearTimeout(timer));
    } catch (e) {
      const retryable = e instanceof ConnectorError ? e.retryable : !(e instanceof AppException);
      result = { ok: false, retryable, error: (e as Error).message, durationMs: performance.now() - t0 };
    }
    const next = decide(sub, d.attempts, result);
    const error = result.ok ? null : (result.error ?? (result.statusCode ? `HTTP ${result.statusCode}` : 'failed')).slice(0, 2000);
    const event = d.event as { id?: string; type?: string };
    this.results.push({
      sub,
      event: { id: String(event.id ?? ''), type: String(event.type ?? '') },
      attempt: { deliveryId: d.id, attempt, startedAt, ok: result.ok, statusCode: result.statusCode ?? null, durationMs: result.durationMs ?? performance.now() - t0, error },
      update: { id: d.id, status: next.status, attempts: attempt, nextAttemptAt: next.nextAttemptAt, error, statusCode: result.statusCode ?? null },
    });
    this.kickFlush();
  }

  private kickFlush(): void {
    if (this.flushing) return;
    this.flushing = (async () => {
      // Gather a few milliseconds of outcomes into one statement (under load a flush then carries hundreds).
      const until = Date.now() + FLUSH_GATHER_MS;
      while (this.results.length < FLUSH_BATCH && Date.now() < until && !this.stopped) await new Promise((r) => setTimeout(r, 1));
      await this.flush();
    })().finally(() => {
      this.flushing = null;
      if (this.results.length && !this.stopped) this.kickFlush();
    });
  }

  /** Records a batch of outcomes (with their dead-letter events), feeds the breakers, frees the slots. */
  private async flush(): Promise<void> {
    while (this.results.length) {
      const batch = this.results.splice(0, 1000);
      // Dead letters are announced through the outbox, in the transaction that records them.
      const deadLetters = new Map<string, DomainEvent<typeof EventSubjects.IntegrationDeliveryFailed>>();
      for (const o of batch) {
        if (o.update.status !== DeliveryStatus.DEAD) continue;
        const data = {
          delivery_id: o.update.id,
          integration_id: o.sub.id,
          event_id: o.event.id,
          event_type: o.event.type,
          attempts: o.update.attempts,
          last_status_code: o.update.statusCode,
          last_error: o.update.error,
        };
        deadLetters.set(o.update.id, domainEvent(EventSubjects.IntegrationDeliveryFailed, data, o.sub.id, `delivery-failed-${o.update.id}-${o.attempt.startedAt.getTime()}`));
      }
      try {
        await this.repo.record(
          batch.map((o) => o.attempt),
          batch.map((o) => o.update),
          deadLetters,
        );
      } catch (e) {
        // Leases run out and the deliveries go again (same ids): at least once, never lost.
        this.logger.warn(`could not record ${batch.length} delivery outcome(s): ${(e as Error).message}`);
      }
      const per = new Map<string, { sub: Subscriber; sawSuccess: boolean; trailing: number; n: number; retryAt: number }>();
      for (const o of batch) {
        const p = per.get(o.sub.id) ?? { sub: o.sub, sawSuccess: false, trailing: 0, n: 0, retryAt: Infinity };
        p.n++;
        if (o.attempt.ok) {
          p.sawSuccess = true;
          p.trailing = 0;
        } else p.trailing++;
        if (o.update.status === DeliveryStatus.PENDING) p.retryAt = Math.min(p.retryAt, o.update.nextAttemptAt.getTime());
        per.set(o.sub.id, p);
      }
      for (const [id, p] of per) {
        try {
          // All well and known closed with no failures: nothing for the breaker to change, skip the statement.
          if (!(p.trailing === 0 && this.healthy.has(id))) {
            const b = await this.gates.breaker(id, p.sawSuccess, p.trailing, p.sub.delivery.circuit_failure_threshold);
            if (b && b.before !== b.after) this.circuitChanged(id, b.before, b.after, b.failures);
            if (b && b.after === CircuitState.CLOSED && b.failures === 0) this.healthy.add(id);
            else this.healthy.delete(id);
          }
        } catch (e) {
          this.logger.warn(`breaker update failed for ${id}: ${(e as Error).message}`);
        }
        this.inflight.set(id, Math.max(0, (this.inflight.get(id) ?? 0) - p.n));
        this.totalInFlight = Math.max(0, this.totalInFlight - p.n);
        this.wake([id]);
        if (p.retryAt !== Infinity) this.wake([id], p.retryAt);
      }
    }
  }

  /**
   * Published directly, best effort: the breaker's state is in delivery_states (GET .../circuit) and changes inside
   * the gate and breaker statements that run on every round; the event only tells watchers (docs/decisions.md D10).
   */
  private circuitChanged(id: string, from: CircuitState, to: CircuitState, failures: number): void {
    this.logger.log(`integration ${id}: circuit ${from} -> ${to}`);
    const changed = domainEvent(EventSubjects.IntegrationCircuitChanged, { integration_id: id, from, to, consecutive_failures: failures }, id);
    void this.publisher.publish(changed).catch((e: Error) => this.logger.warn(`could not publish circuit.changed: ${e.message}`));
  }
}
