import type { AccountDto } from './account.dto';
import type { SyncStatus, SyncTrigger } from './sync.dto';

/** A resource as events carry it: the registry row without `properties` (large, and not needed to react). */
export interface ResourceRef {
  arn: string;
  account_id: string;
  region: string;
  service: string;
  type: string;
  name: string;
  state: string;
  tags: Record<string, string>;
}

export interface ResourceDiscoveredData {
  resource: ResourceRef;
  sync_id: string;
}

/** What changed: the fields, the state move, the tag edits, and the top-level property keys that differ. */
export interface ResourceChanges {
  fields: Array<'state' | 'tags' | 'properties' | 'name'>;
  state?: { from: string; to: string };
  tags?: { added: Record<string, string>; removed: string[]; changed: Record<string, { from: string; to: string }> };
  properties?: string[];
  name?: { from: string; to: string };
}

export interface ResourceChangedData {
  resource: ResourceRef;
  changes: ResourceChanges;
  sync_id: string;
}

export interface ResourceRemovedData {
  resource: ResourceRef;
  removed_at: string;
  sync_id: string;
}

/** Account events carry the public account (no external id). */
export interface AccountEventData {
  account: AccountDto;
}

export interface AccountDeletedData {
  account_id: string;
}

export interface AccountStatusChangedData {
  account_id: string;
  from: string;
  to: string;
  message: string | null;
}

export interface SyncCompletedData {
  id: string;
  trigger: SyncTrigger;
  status: SyncStatus;
  tasks_total: number;
  tasks_failed: number;
  resources_seen: number;
  discovered: number;
  changed: number;
  removed: number;
  started_at: string;
  finished_at: string;
  /** Why the run ended early (interrupted), or null. */
  status_reason: string | null;
}
