import {
  CloudEvent,
  EventSubjects,
  IntegrationDeletedData,
  IntegrationPageDto,
  IntegrationStatusChangedData,
  PublicIntegration,
  RpcSubjects,
} from '@app/contracts';
import { Closeable, EventDelivery, MESSAGE_BUS, MessageBus } from '@app/messaging';
import { runAsNewWork } from '@app/observability';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { firstDueAt, isMonitored, snapshotOf } from './schedule.policy';
import { SCHEDULE_REPOSITORY, ScheduleRepository } from './schedule.repository';

const PROJECTION_DURABLE = 'health-monitor-integrations';
const PAGE = 500;

/**
 * Keeps `health.schedule` in step with the integrations: a durable consumer of `integration.>` (every replica
 * shares it, so each event is applied once; applying it twice does no harm either), and a reconcile over
 * `rpc.integration.list` at start for integrations that existed before health-monitor did.
 */
@Injectable()
export class ScheduleProjection implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ScheduleProjection.name);
  private consumer?: Closeable;
  private stopped = false;
  private reconciling?: Promise<void>;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(SCHEDULE_REPOSITORY) private readonly repo: ScheduleRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await this.bus.consume({ durable: PROJECTION_DURABLE, subjects: ['integration.>'], deliverFrom: 'all', handler: (e, d) => this.apply(e, d) });
    this.reconciling = runAsNewWork(() => this.reconcileUntilDone());
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.consumer?.close().catch(() => undefined);
    await this.reconciling?.catch(() => undefined);
  }

  /** Applies one integration event to the schedule. Throws only on a database error (the event is redelivered). */
  async apply(event: CloudEvent, _delivery?: EventDelivery): Promise<void> {
    const now = Date.now();
    switch (event.type) {
      case EventSubjects.IntegrationCreated:
      case EventSubjects.IntegrationUpdated: {
        const snapshot = snapshotOf((event.data as { integration?: PublicIntegration })?.integration, now, event.time);
        if (snapshot) await this.repo.upsert(snapshot);
        return;
      }
      case EventSubjects.IntegrationDeleted: {
        const id = (event.data as IntegrationDeletedData)?.id;
        if (typeof id === 'string') await this.repo.markDeleted(id, new Date(Date.parse(event.time) || now));
        return;
      }
      case EventSubjects.IntegrationStatusChanged: {
        const d = event.data as IntegrationStatusChangedData;
        if (typeof d?.id !== 'string' || typeof d.to !== 'string') return;
        await this.repo.applyStatus(
          d.id,
          d.to,
          (checkEnabled) => isMonitored(checkEnabled, d.to),
          (interval) => firstDueAt(d.id, interval, now),
          new Date(Date.parse(event.time) || now),
        );
        return;
      }
      default:
        return; // other integration events say nothing about the schedule
    }
  }

  /** Reads every integration from integration-service (retrying while it is not there) and applies it. */
  private async reconcileUntilDone(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.reconcile();
        return;
      } catch (e) {
        const wait = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
        this.logger.warn(`reconcile with integration-service failed (${(e as Error).message}); retrying in ${wait} ms`);
        await new Promise((r) => setTimeout(r, wait).unref());
      }
    }
  }

  async reconcile(): Promise<{ seen: number; removed: number }> {
    const startedAt = new Date();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: IntegrationPageDto = await this.bus.request(RpcSubjects.IntegrationList, { limit: PAGE, ...(cursor ? { cursor } : {}) });
      for (const integration of page.items) {
        seen.push(integration.id);
        const snapshot = snapshotOf(integration as unknown as PublicIntegration, Date.now());
        if (snapshot) await this.repo.upsert(snapshot);
      }
      cursor = page.next_cursor;
    } while (cursor && !this.stopped);
    if (this.stopped) return { seen: seen.length, removed: 0 };
    // Deleted while no consumer saw it (e.g. the event aged out of the stream): only rows older than this pass.
    const removed = await this.repo.markMissingDeleted(seen, startedAt);
    this.logger.log(`schedule reconciled with integration-service: ${seen.length} integrations${removed ? `, ${removed} gone` : ''}`);
    return { seen: seen.length, removed };
  }
}
