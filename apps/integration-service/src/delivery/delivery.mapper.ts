import { DeliveryAttemptDto, DeliveryBacklogDto, DeliveryDto } from '@app/contracts';
import { AttemptRow, BacklogRow, DeliveryRow } from './delivery.repository';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function toAttemptDto(a: AttemptRow): DeliveryAttemptDto {
  return { attempt: a.attempt, started_at: iso(a.started_at)!, ok: a.ok, status_code: a.status_code, duration_ms: a.duration_ms, error: a.error };
}

export function toDeliveryDto(r: DeliveryRow, attempts: AttemptRow[]): DeliveryDto {
  return {
    id: r.id,
    integration_id: r.integration_id,
    event_id: r.event_id,
    event_type: r.event_type,
    status: r.status,
    attempts: r.attempts,
    next_attempt_at: r.status === 'PENDING' ? iso(r.next_attempt_at) : null,
    last_error: r.last_error,
    last_status_code: r.last_status_code,
    created_at: iso(r.created_at)!,
    delivered_at: iso(r.delivered_at),
    attempt_log: attempts.filter((a) => a.delivery_id === r.id).map(toAttemptDto),
  };
}

/** No row: nothing owed. */
export function toBacklogDto(b: BacklogRow | undefined): DeliveryBacklogDto {
  return { size: b?.size ?? 0, retrying: b?.retrying ?? 0, oldest_created_at: b ? iso(b.oldest_created_at) : null, oldest_age_seconds: b?.oldest_age_seconds ?? 0 };
}

/** Opaque keyset cursor: base64url JSON of the last row's created_at and id. */
export function encodeCursor(r: DeliveryRow): string {
  return Buffer.from(JSON.stringify({ c: iso(r.created_at), i: r.id })).toString('base64url');
}

export function decodeCursor(cursor: string): { c: string; i: string } | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { c?: unknown; i?: unknown };
    if (typeof v.c !== 'string' || Number.isNaN(Date.parse(v.c)) || typeof v.i !== 'string' || !/^[0-9a-f-]{36}$/i.test(v.i)) return null;
    return { c: v.c, i: v.i };
  } catch {
    return null;
  }
}
