import type { ResourceChanges } from '@app/contracts';
import type { CollectedResource } from '../inventory';
import type { UpsertChange } from './resources.repository';

/** Lifecycle states that mean the resource is gone although AWS still lists it for a while (EC2 keeps terminated instances ~1 h). */
const GONE_STATES: ReadonlySet<string> = new Set(['terminated', 'deleted']);

export function isGone(r: Pick<CollectedResource, 'state'>): boolean {
  return GONE_STATES.has(r.state);
}

/** Describes what differs between the stored row (as the upsert reported it) and the collected resource; null if nothing. */
export function describeChanges(change: UpsertChange, now: CollectedResource): ResourceChanges | null {
  const out: ResourceChanges = { fields: [] };
  if (change.oldName !== null && change.oldName !== now.name) {
    out.fields.push('name');
    out.name = { from: change.oldName, to: now.name };
  }
  if (change.oldState !== null && change.oldState !== now.state) {
    out.fields.push('state');
    out.state = { from: change.oldState, to: now.state };
  }
  if (change.oldTags) {
    const diff = diffTags(change.oldTags, now.tags);
    if (diff) {
      out.fields.push('tags');
      out.tags = diff;
    }
  }
  if (change.changedProperties?.length) {
    out.fields.push('properties');
    out.properties = change.changedProperties;
  }
  return out.fields.length ? out : null;
}

export function diffTags(before: Record<string, string>, after: Record<string, string>): ResourceChanges['tags'] | null {
  const added: Record<string, string> = {};
  const changed: Record<string, { from: string; to: string }> = {};
  const removed: string[] = [];
  for (const [k, v] of Object.entries(after)) {
    if (!(k in before)) added[k] = v;
    else if (before[k] !== v) changed[k] = { from: before[k], to: v };
  }
  for (const k of Object.keys(before)) if (!(k in after)) removed.push(k);
  removed.sort();
  return Object.keys(added).length || Object.keys(changed).length || removed.length ? { added, removed, changed } : null;
}
