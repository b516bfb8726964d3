import { DeliverySettingsDto, Direction, IntegrationStatus, RetryConfigDto, SubscriptionDto } from '@app/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** What the pipeline needs of an integration that subscribes to events (no secrets). */
export interface Subscriber {
  id: string;
  status: IntegrationStatus;
  subscriptions: SubscriptionDto[];
  delivery: DeliverySettingsDto;
  retry: RetryConfigDto;
  ratePerMinute: number;
  timeoutSeconds: number;
  updatedAt: number;
}

/** Deliveries are recorded and sent while the integration is ACTIVE or ERROR (failing health: retries and the breaker cope). */
export const DELIVERING = new Set<IntegrationStatus>([IntegrationStatus.ACTIVE, IntegrationStatus.ERROR]);

const COLUMNS = `id, status, direction, subscriptions, delivery, retry, rate_limit_per_minute, timeout_seconds, updated_at`;

/**
 * The subscription table in memory: every OUTBOUND/BIDIRECTIONAL integration with subscriptions. Loaded at
 * start, refreshed per integration on its lifecycle events (every replica listens) and fully every 30 s.
 */
@Injectable()
export class SubscriptionCache {
  private readonly logger = new Logger(SubscriptionCache.name);
  private byId = new Map<string, Subscriber>();

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private toSubscriber(r: Record<string, unknown>): Subscriber | null {
    if (r.direction === Direction.INBOUND) return null;
    const subscriptions = (r.subscriptions as SubscriptionDto[]) ?? [];
    if (!subscriptions.length) return null;
    return {
      id: r.id as string,
      status: r.status as IntegrationStatus,
      subscriptions,
      delivery: { ...new DeliverySettingsDto(), ...((r.delivery as object) ?? {}) },
      retry: { ...new RetryConfigDto(), ...((r.retry as object) ?? {}) },
      ratePerMinute: Number(r.rate_limit_per_minute),
      timeoutSeconds: Number(r.timeout_seconds),
      updatedAt: new Date(r.updated_at as string).getTime(),
    };
  }

  async reload(): Promise<void> {
    const rows = (await this.ds.query(`SELECT ${COLUMNS} FROM "integration"."integrations" WHERE jsonb_array_length(subscriptions) > 0`)) as Record<string, unknown>[];
    const next = new Map<string, Subscriber>();
    for (const r of rows) {
      const s = this.toSubscriber(r);
      if (s) next.set(s.id, s);
    }
    this.byId = next;
  }

  async refresh(ids: Iterable<string>): Promise<void> {
    for (const id of new Set(ids)) {
      try {
        const rows = (await this.ds.query(`SELECT ${COLUMNS} FROM "integration"."integrations" WHERE id = $1`, [id])) as Record<string, unknown>[];
        const s = rows[0] ? this.toSubscriber(rows[0]) : null;
        if (s) this.byId.set(id, s);
        else this.byId.delete(id);
      } catch (e) {
        this.logger.warn(`could not refresh integration ${id}: ${(e as Error).message}`);
      }
    }
  }

  get(id: string): Subscriber | undefined {
    return this.byId.get(id);
  }

  all(): Subscriber[] {
    return [...this.byId.values()];
  }
}
