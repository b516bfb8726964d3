import { metricsRegistry } from '@app/observability';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { BacklogRow, DELIVERY_REPOSITORY, DeliveryRepository } from './delivery.repository';
import { SubscriptionCache } from './subscription-cache';

type BacklogSource = () => Promise<{ subscribers: string[]; rows: BacklogRow[] }>;
/** The live instance's reader (one registry per process; standalone mode runs one integration-service). */
let source: BacklogSource | undefined;

function gauge(name: string, help: string, pick: (r: BacklogRow) => number): Gauge<'integration_id'> {
  const existing = metricsRegistry.getSingleMetric(name) as Gauge<'integration_id'> | undefined;
  if (existing) return existing;
  return new Gauge({
    name,
    help,
    labelNames: ['integration_id'] as const,
    registers: [metricsRegistry],
    // Read at scrape time from the deliveries table (shared by every replica: each reports the same figures).
    async collect() {
      this.reset();
      const s = await source?.().catch(() => undefined);
      if (!s) return;
      for (const id of s.subscribers) this.set({ integration_id: id }, 0);
      for (const r of s.rows) this.set({ integration_id: r.integration_id }, pick(r));
    },
  });
}

/** `delivery_backlog` and `delivery_backlog_oldest_seconds` per subscribing integration on `/metrics`. */
@Injectable()
export class DeliveryMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(DeliveryMetrics.name);
  /** Both gauges of one scrape share one query. */
  private last?: { at: number; p: ReturnType<BacklogSource> };
  private readonly read: BacklogSource = () => {
    if (this.last && Date.now() - this.last.at < 1000) return this.last.p;
    const p = (async () => ({ subscribers: this.subscribers.all().map((s) => s.id), rows: await this.repo.backlog() }))();
    // A scrape while the database is away shows no backlog series rather than failing /metrics.
    p.catch((e: Error) => this.logger.warn(`delivery backlog for /metrics: ${e.message}`));
    this.last = { at: Date.now(), p };
    return p;
  };

  constructor(
    @Inject(DELIVERY_REPOSITORY) private readonly repo: DeliveryRepository,
    private readonly subscribers: SubscriptionCache,
  ) {}

  onModuleInit(): void {
    gauge('delivery_backlog', 'Deliveries not finished (PENDING or IN_FLIGHT), per integration', (r) => r.size);
    gauge('delivery_backlog_oldest_seconds', 'Age of the oldest unfinished delivery, per integration (0 when none)', (r) => r.oldest_age_seconds);
    source = this.read;
  }

  onModuleDestroy(): void {
    if (source === this.read) source = undefined;
  }
}
