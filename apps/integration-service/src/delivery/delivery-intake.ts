import { CloudEvent, EVENT_STREAM, EventSubjects, isCloudEvent } from '@app/contracts';
import { Closeable, MESSAGE_BUS, MessageBus, NatsMessageBus } from '@app/messaging';
import { runAsNewWork } from '@app/observability';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AckPolicy, ConsumerMessages, DeliverPolicy, JsMsg, nanos } from 'nats';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { DeliveryRepository, NewDelivery } from './delivery.repository';
import { ConnectorCache } from './connector-cache';
import { DELIVERING, SubscriptionCache } from './subscription-cache';
import { isDeliverable, subscriptionsMatch } from './subscription-matcher';

/** The durable consumer every replica of integration-service shares: JetStream splits the events among them. */
export const DELIVERY_DURABLE = 'integration-service-delivery';
const LIFECYCLE = new Set<string>([EventSubjects.IntegrationCreated, EventSubjects.IntegrationUpdated, EventSubjects.IntegrationDeleted, EventSubjects.IntegrationStatusChanged]);
const MAX_BATCH = 500;
const GATHER_MS = 5;

/**
 * Turns domain events into deliveries. For each event, the subscribing integrations are found in memory and one
 * delivery per (event, integration) is recorded in PostgreSQL; only then is the event acknowledged, so a crash
 * loses nothing (JetStream redelivers, the unique key drops the repeat). On NATS the events are taken in
 * batches (one multi-row insert per batch); in standalone mode through the in-process durable consumer.
 */
@Injectable()
export class DeliveryIntake implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryIntake.name);
  private closeables: Closeable[] = [];
  private messages?: ConsumerMessages;
  private stopped = false;
  private buffer: JsMsg[] = [];
  private flushing: Promise<void> | null = null;
  private loop?: Promise<void>;
  private reloadTimer?: NodeJS.Timeout;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly repo: DeliveryRepository,
    private readonly subscribers: SubscriptionCache,
    private readonly connectors: ConnectorCache,
    private readonly dispatcher: DeliveryDispatcher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.subscribers.reload();
    // Every replica follows lifecycle changes (the durable consumer only shows each replica a share of them).
    this.closeables.push(
      this.bus.subscribe('integration.>', (event, subject) => {
        if (!LIFECYCLE.has(subject) || typeof event.subject !== 'string') return;
        this.connectors.retire(event.subject);
        void this.subscribers.refresh([event.subject]).then(() => this.dispatcher.wake([event.subject as string]));
      }),
    );
    this.reloadTimer = setInterval(() => void runAsNewWork(() => this.subscribers.reload()).catch((e: Error) => this.logger.warn(`subscription reload failed: ${e.message}`)), 30_000);
    this.reloadTimer.unref();
    if (this.bus instanceof NatsMessageBus) await this.startNats(this.bus);
    else this.closeables.push(await this.bus.consume({ durable: DELIVERY_DURABLE, subjects: [...EVENT_STREAM.subjects], handler: async (event, d) => void (await this.record([{ event, subject: d.subject }])) }));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.reloadTimer);
    await this.messages?.close().catch(() => undefined);
    await this.loop?.catch(() => undefined);
    await this.flushing?.catch(() => undefined);
    for (const c of this.closeables.splice(0)) await c.close().catch(() => undefined);
  }

  private async startNats(bus: NatsMessageBus): Promise<void> {
    await bus.ensureStream();
    const nc = bus.connection;
    const jsm = await nc.jetstreamManager();
    const stream = bus.streamName;
    const durable = bus.durableName(DELIVERY_DURABLE);
    await jsm.consumers.info(stream, durable).catch(() =>
      jsm.consumers
        .add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, ack_wait: nanos(15_000), max_deliver: -1, max_ack_pending: 20_000 })
        .catch((e: Error) => {
          if (!String(e.message).includes('already')) throw e;
        }),
    );
    const consumer = await nc.jetstream().consumers.get(stream, durable);
    this.loop = (async () => {
      while (!this.stopped) {
        try {
          this.messages = await consumer.consume({ max_messages: 2000 });
          for await (const m of this.messages) {
            if (this.stopped) break;
            this.buffer.push(m);
            this.kick();
            if (this.buffer.length >= 4 * MAX_BATCH) await this.flushing;
          }
        } catch (e) {
          if (this.stopped) break;
          this.logger.warn(`delivery consumer interrupted: ${(e as Error).message}; resuming`);
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    })();
  }

  /** One flusher at a time, so that deliveries are recorded in the order the stream gave the events. */
  private kick(): void {
    if (this.flushing) return;
    this.flushing = (async () => {
      // A few milliseconds of events per insert: under load a batch then holds hundreds of events.
      const until = Date.now() + GATHER_MS;
      while (this.buffer.length < MAX_BATCH && Date.now() < until && !this.stopped) await new Promise((r) => setTimeout(r, 1));
      while (this.buffer.length) await this.flushNats(this.buffer.splice(0, MAX_BATCH));
    })().finally(() => {
      this.flushing = null;
      if (this.buffer.length && !this.stopped) this.kick();
    });
  }

  private async flushNats(batch: JsMsg[]): Promise<void> {
    const items: Array<{ event: CloudEvent; subject: string }> = [];
    for (const m of batch) {
      try {
        const event = m.json<unknown>();
        if (isCloudEvent(event)) items.push({ event, subject: (this.bus as NatsMessageBus).localSubject(m.subject) });
      } catch {
        // not JSON: acknowledged below and skipped
      }
    }
    try {
      await this.record(items);
      for (const m of batch) m.ack();
    } catch (e) {
      this.logger.warn(`could not record ${batch.length} event(s): ${(e as Error).message}; they will be redelivered`);
      for (const m of batch) m.nak(2000);
    }
  }

  /** Matches and records; throws when the database does (the events are then redelivered). */
  async record(items: Array<{ event: CloudEvent; subject: string }>): Promise<void> {
    const lifecycle = items.filter((i) => LIFECYCLE.has(i.subject) && typeof i.event.subject === 'string').map((i) => i.event.subject as string);
    if (lifecycle.length) await this.subscribers.refresh(lifecycle);
    const subscribers = this.subscribers.all().filter((s) => DELIVERING.has(s.status));
    if (!subscribers.length) return;
    const rows: NewDelivery[] = [];
    for (const { event, subject } of items) {
      if (!isDeliverable(subject)) continue;
      for (const s of subscribers) {
        if (subscriptionsMatch(s.subscriptions, subject, event)) rows.push({ integrationId: s.id, eventId: event.id, eventType: event.type, event });
      }
    }
    if (!rows.length) return;
    const touched = await this.repo.insertMany(rows);
    this.dispatcher.wake(touched);
  }
}
