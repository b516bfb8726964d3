import { HealthCheckRecordDto } from '@app/contracts';
import { CheckRecordRow } from '../checks/check-results.repository';

const iso = (d: Date | string) => new Date(d).toISOString();

export function toRecordDto(r: CheckRecordRow): HealthCheckRecordDto {
  return {
    id: String(r.id),
    outcome: r.outcome,
    due_at: iso(r.due_at),
    started_at: iso(r.started_at),
    checked_at: iso(r.checked_at),
    latency_ms: r.latency_ms,
    status_code: r.status_code,
    error: r.error,
    method: r.method,
    status_after: r.status_after,
  };
}

export const isoOrNull = (d: Date | string | null | undefined) => (d ? iso(d) : null);
