import { CloudEvent, EVENT_STREAM, EventSubjects } from '@app/contracts';
import { Closeable, MESSAGE_BUS, MessageBus } from '@app/messaging';
import { BackgroundLoop } from '@app/platform';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { orderKeyOf } from './delivery-order';
import { DELIVERY_REPOSITORY, DeliveryRepository, NewDelivery } from './delivery.repository';
import { ConnectorCache } from './connector-cache';
import { DELIVERING, SubscriptionCache } from './subscription-cache';
import { isDeliverable, subscriptionsMatch } from './subscription-matcher';

/** The durable consumer every replica of integration-service shares: JetStream splits the events among them. */
const DELIVERY_DURABLE = 'integration-service-delivery';
const LIFECYCLE = new Set<string>([EventSubjects.IntegrationCreated, EventSubjects.IntegrationUpdated, EventSubjects.IntegrationDeleted, EventSubjects.IntegrationStatusChanged]);
const MAX_BATCH = 500;
const GATHER_MS = 5;

/**
 * Turns domain events into deliveries. For each event, the subscribing integrations are found in memory and one
 * delivery per (event, integration) is recorded in PostgreSQL; only then is the event acknowledged, so a crash
 * loses nothing (the bus redelivers, the unique key drops the repeat). Events are taken in batches (one multi-row
 * insert per batch) through the bus's batch consumer.
 */
@Injectable()
export class DeliveryIntake implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryIntake.name);
  private closeables: Closeable[] = [];
  private readonly reloadLoop = new BackgroundLoop({ name: 'subscription reload', everyMs: 30_000, logger: this.logger }, () => this.subscribers.reload());

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(DELIVERY_REPOSITORY) private readonly repo: DeliveryRepository,
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
    this.reloadLoop.start();
    this.closeables.push(
      await this.bus.consumeBatch({
        durable: DELIVERY_DURABLE,
        subjects: [...EVENT_STREAM.subjects],
        maxBatch: MAX_BATCH,
        gatherMs: GATHER_MS,
        ackWaitMs: 15_000,
        maxPending: 20_000,
        handler: (items) => this.record(items.map(({ event, delivery }) => ({ event, subject: delivery.subject }))),
      }),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.reloadLoop.stop();
    for (const c of this.closeables.splice(0)) await c.close().catch(() => undefined);
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
        if (subscriptionsMatch(s.subscriptions, subject, event)) rows.push({ integrationId: s.id, eventId: event.id, eventType: event.type, event, orderKey: orderKeyOf(s.delivery, event) });
      }
    }
    if (!rows.length) return;
    const touched = await this.repo.insertMany(rows);
    this.dispatcher.wake(touched);
  }
}
