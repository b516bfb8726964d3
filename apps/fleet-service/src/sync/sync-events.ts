import { AnyDomainEvent, DomainEvent, domainEvent, EventSubjects, ResourceRef, SyncCompletedData, SyncStatus, SyncTaskStatus, SyncTrigger } from '@app/contracts';
import type { CollectedResource } from '../inventory';
import { describeChanges } from '../resources/resource-changes';
import { toResourceRef } from '../resources/resource.mapper';
import { UpsertChange } from '../resources/resources.repository';
import { SyncRunEntity } from './sync-run.entity';
import { SyncTaskEntity } from './sync-task.entity';

/** The events a sync writes, built from what it did: pure, so the runner only decides when. */

/** A run's totals over its tasks, as its fleet.sync.completed says them. */
export function syncCompletedData(run: SyncRunEntity, all: SyncTaskEntity[], status: SyncStatus, finishedAt: Date, reason: string | null): SyncCompletedData {
  const sum = (k: 'resources_seen' | 'discovered' | 'changed' | 'removed') => all.reduce((n, t) => n + t[k], 0);
  return {
    id: run.id,
    trigger: run.trigger as SyncTrigger,
    status,
    tasks_total: all.length,
    tasks_failed: all.filter((t) => t.status === SyncTaskStatus.Failed).length,
    resources_seen: sum('resources_seen'),
    discovered: sum('discovered'),
    changed: sum('changed'),
    removed: sum('removed'),
    started_at: run.started_at.toISOString(),
    finished_at: finishedAt.toISOString(),
    status_reason: reason,
  };
}

/** One fleet.resource.removed per row a task no longer saw. */
export function removedEvents(rows: ResourceRef[], removedAt: Date, syncId: string): Array<DomainEvent<typeof EventSubjects.FleetResourceRemoved>> {
  return rows.map((r) => domainEvent(EventSubjects.FleetResourceRemoved, { resource: toResourceRef(r), removed_at: removedAt.toISOString(), sync_id: syncId }, r.arn));
}

/**
 * Discovered for what the upsert inserted, changed for what it updated in a way worth telling (describeChanges);
 * counts them in `made` as it goes.
 */
export function resourceEvents(changes: UpsertChange[], byArn: Map<string, CollectedResource>, syncId: string, made: { discovered: number; changed: number }): AnyDomainEvent[] {
  const events: AnyDomainEvent[] = [];
  for (const c of changes) {
    const r = byArn.get(c.arn);
    if (!r) continue;
    if (c.isNew) {
      made.discovered++;
      events.push(domainEvent(EventSubjects.FleetResourceDiscovered, { resource: toResourceRef(r), sync_id: syncId }, r.arn));
      continue;
    }
    const described = describeChanges(c, r);
    if (!described) continue;
    made.changed++;
    events.push(domainEvent(EventSubjects.FleetResourceChanged, { resource: toResourceRef(r), changes: described, sync_id: syncId }, r.arn));
  }
  return events;
}
