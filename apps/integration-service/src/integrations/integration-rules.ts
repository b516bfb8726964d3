import { isDeepStrictEqual } from 'node:util';
import { AnyDomainEvent, AppException, domainEvent, EventSubjects, IntegrationStatus, PublicIntegration } from '@app/contracts';
import { IntegrationEntity } from './integration.entity';

/** The stored fields an `integration.updated` event may name as changed (sealed secrets are compared apart). */
const COMPARED: (keyof IntegrationEntity)[] = ['name', 'description', 'type', 'direction', 'version', 'enabled', 'timeout_seconds', 'rate_limit_per_minute', 'tags', 'metadata', 'auth', 'health_check', 'retry', 'connection', 'subscriptions', 'delivery'];

/** A DEPRECATED integration is kept read-only: its config cannot be replaced. */
export function assertReplaceable(row: Pick<IntegrationEntity, 'status' | 'name'>): void {
  if (row.status === IntegrationStatus.DEPRECATED) throw new AppException('INTEGRATION_DEPRECATED', `Integration "${row.name}" is deprecated: it is read-only`);
}

/** A replacement made from an earlier read (a merge patch) applies only to the row it read: else CONFLICT, read again. */
export function assertUnchangedSince(row: Pick<IntegrationEntity, 'id' | 'updated_at'>, expectedUpdatedAt: string | undefined): void {
  if (expectedUpdatedAt !== undefined && row.updated_at.getTime() !== Date.parse(expectedUpdatedAt)) {
    throw new AppException('CONFLICT', `Integration ${row.id} changed since it was read (updated_at ${row.updated_at.toISOString()}); read it again and retry`);
  }
}

/** A replacement's `updated_at`: now, but always later than the row's, so a precondition on it never matches two versions. */
export function nextUpdatedAt(row: Pick<IntegrationEntity, 'updated_at'>, now: Date): Date {
  return now.getTime() > row.updated_at.getTime() ? now : new Date(row.updated_at.getTime() + 1);
}

/** The status a replacement leaves: `enabled: false` is the same as disabling; enabling again starts over at CONFIGURING. */
export function statusAfterReplacement(current: IntegrationStatus, enabled: boolean): IntegrationStatus {
  if (!enabled) return IntegrationStatus.INACTIVE;
  return current === IntegrationStatus.INACTIVE ? IntegrationStatus.CONFIGURING : current;
}

/**
 * The events a replacement causes, with `next` (the new row, its status already from
 * `statusAfterReplacement`) given its status bookkeeping: an unchanged status keeps its reason and time, a new one
 * dates from the update (reason `disabled` when it is INACTIVE). `integration.updated` always, naming the changed
 * fields (`secrets` when a sealed value differs), then `integration.status.changed` when the status moved; both
 * carry `after`, the public view of `next`.
 */
export function replaceIntegration(
  current: IntegrationEntity,
  next: IntegrationEntity,
  { secretsChanged, view }: { secretsChanged: boolean; view: (row: IntegrationEntity) => PublicIntegration },
): AnyDomainEvent[] {
  const from = current.status as IntegrationStatus;
  const to = next.status as IntegrationStatus;
  next.status_reason = to === from ? current.status_reason : to === IntegrationStatus.INACTIVE ? 'disabled' : null;
  next.status_changed_at = to === from ? current.status_changed_at : next.updated_at;
  const changed: string[] = COMPARED.filter((k) => !isDeepStrictEqual(current[k], next[k]));
  if (secretsChanged) changed.push('secrets');
  const after = view(next);
  const events: AnyDomainEvent[] = [domainEvent(EventSubjects.IntegrationUpdated, { integration: after, changed_fields: changed }, next.id)];
  if (to !== from) events.push(domainEvent(EventSubjects.IntegrationStatusChanged, { id: next.id, name: next.name, from, to, reason: next.status_reason, integration: after }, next.id));
  return events;
}
