import { IntegrationStatus, PublicIntegration } from '@app/contracts';
import { nextSlotAfter, phaseMs } from './schedule.math';
import { ScheduleSnapshot } from './schedule.repository';

/** Statuses whose integrations are not checked. */
const UNMONITORED_STATUSES: readonly string[] = [IntegrationStatus.INACTIVE, IntegrationStatus.DEPRECATED];

export function isMonitored(checkEnabled: boolean, status: string): boolean {
  return checkEnabled && !UNMONITORED_STATUSES.includes(status);
}

/** The first due slot of an integration scheduled at `nowMs`. */
export function firstDueAt(integrationId: string, intervalSeconds: number, nowMs: number): Date {
  const interval = intervalSeconds * 1000;
  return new Date(nextSlotAfter(nowMs, interval, phaseMs(integrationId, interval)));
}

const int = (v: unknown, fallback: number, min: number, max: number) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fallback);

/**
 * The schedule row an integration (as events and `rpc.integration.list` carry it) calls for. Defaults are the
 * contract's, for fields an older publisher may not send. Returns null when the payload is not an integration.
 */
export function snapshotOf(integration: PublicIntegration | undefined, nowMs: number, fallbackVersion?: string): ScheduleSnapshot | null {
  if (!integration || typeof integration !== 'object' || typeof integration.id !== 'string' || typeof integration.status !== 'string') return null;
  const hc = (integration.health_check ?? {}) as Partial<PublicIntegration['health_check']>;
  const checkEnabled = hc.enabled !== false;
  const intervalSeconds = int(hc.interval_seconds, 300, 1, 86400);
  const version = Date.parse(integration.updated_at ?? fallbackVersion ?? '');
  return {
    integrationId: integration.id,
    checkEnabled,
    integrationStatus: integration.status,
    intervalSeconds,
    timeoutSeconds: int(hc.timeout_seconds, 30, 1, 300),
    failureThreshold: int(hc.failure_threshold, 3, 1, 100),
    successThreshold: int(hc.success_threshold, 1, 1, 100),
    active: isMonitored(checkEnabled, integration.status),
    nextDueAt: firstDueAt(integration.id, intervalSeconds, nowMs),
    version: new Date(Number.isNaN(version) ? nowMs : version),
  };
}
