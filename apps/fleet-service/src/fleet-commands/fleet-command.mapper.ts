import { CommandDto, CommandResultDto, CommandRole, CommandStatus, CommandTargetStatus } from '@app/contracts';
import type { StatusCounts } from './fleet-commands.repository';
import { CommandJobEntity, CommandResultEntity } from './fleet-command.entity';
import { countsOf } from './run/command.runner';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** "3" → 3, "10%" stays a percentage. */
function maxErrorsOf(stored: string): number | string {
  return stored.endsWith('%') ? stored : Number(stored);
}

export function toCommandDto(job: CommandJobEntity, counts: StatusCounts): CommandDto {
  return {
    id: job.id,
    command: job.command,
    service: job.service,
    operation: job.operation,
    mutating: job.mutating,
    status: job.status as CommandStatus,
    status_reason: job.status_reason,
    targets: job.targets,
    max_concurrency: job.max_concurrency,
    max_errors: maxErrorsOf(job.max_errors),
    timeout_seconds: job.timeout_seconds,
    allow_mutations: job.allow_mutations,
    requested_by: { name: job.requested_by_name, role: job.requested_by_role as CommandRole },
    counts: countsOf(counts, job.targets_total),
    created_at: new Date(job.created_at).toISOString(),
    finished_at: iso(job.finished_at),
    cancelled_by: job.cancelled_by,
  };
}

export function toResultDto(r: CommandResultEntity): CommandResultDto {
  return {
    account_id: r.account_id,
    region: r.region,
    status: r.status as CommandTargetStatus,
    exit_code: r.exit_code,
    duration_ms: r.duration_ms,
    error: r.error,
    output_preview: r.stdout_preview,
    stderr_preview: r.stderr_preview,
    preview_truncated: r.preview_truncated,
    output_bytes: Number(r.output_bytes),
    started_at: iso(r.started_at),
    finished_at: iso(r.finished_at),
  };
}
