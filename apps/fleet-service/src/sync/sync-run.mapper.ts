import { StartSyncRequest, SyncRunDto, SyncStatus, SyncTaskStatus, SyncTrigger } from '@app/contracts';
import type { SyncRunEntity } from './sync-run.entity';
import type { SyncTaskEntity } from './sync-task.entity';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A run with its per-task results; the run's counts are the sums of its tasks'. */
export function toSyncRunDto(run: SyncRunEntity, tasks: SyncTaskEntity[]): SyncRunDto {
  const sum = (k: 'resources_seen' | 'discovered' | 'changed' | 'removed') => tasks.reduce((n, t) => n + t[k], 0);
  return {
    id: run.id,
    status: run.status as SyncStatus,
    trigger: run.trigger as SyncTrigger,
    request: run.request as StartSyncRequest,
    tasks_total: tasks.length,
    tasks_done: tasks.filter((t) => t.status === SyncTaskStatus.Succeeded || t.status === SyncTaskStatus.Failed).length,
    tasks_failed: tasks.filter((t) => t.status === SyncTaskStatus.Failed).length,
    resources_seen: sum('resources_seen'),
    discovered: sum('discovered'),
    changed: sum('changed'),
    removed: sum('removed'),
    started_at: run.started_at.toISOString(),
    finished_at: iso(run.finished_at),
    status_reason: run.status_reason,
    tasks: tasks.map((t) => ({
      account_id: t.account_id,
      region: t.region,
      status: t.status as SyncTaskStatus,
      types: t.types,
      resources_seen: t.resources_seen,
      discovered: t.discovered,
      changed: t.changed,
      removed: t.removed,
      duration_ms: t.duration_ms,
      error: t.error,
      started_at: iso(t.started_at),
      finished_at: iso(t.finished_at),
    })),
  };
}
