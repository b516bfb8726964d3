import { HealthStatus, IntegrationHealthDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CHECK_RESULTS_REPOSITORY, CheckResultsRepository } from '../../../checks/check-results.repository';
import { isMonitored } from '../../../schedule/schedule.policy';
import { isoOrNull, toRecordDto } from '../../health-view.mapper';
import { IntegrationLookup } from '../../integration-lookup';
import { GetIntegrationHealthQuery } from './get-integration-health.query';

const LATEST = 10;
const DAY_MS = 86400_000;

@QueryHandler(GetIntegrationHealthQuery)
export class GetIntegrationHealthHandler implements IQueryHandler<GetIntegrationHealthQuery> {
  constructor(
    private readonly lookup: IntegrationLookup,
    @Inject(CHECK_RESULTS_REPOSITORY) private readonly results: CheckResultsRepository,
  ) {}

  async execute({ integrationId: id }: GetIntegrationHealthQuery): Promise<IntegrationHealthDto> {
    const { row, integration } = await this.lookup.find(id);
    const [state, latest, counts] = await Promise.all([this.results.state(id), this.results.latest(id, LATEST), this.results.countsSince(id, new Date(Date.now() - DAY_MS))]);
    const hc = integration?.health_check;
    const decided = counts.successes + counts.failures;
    return {
      integration_id: id,
      status: (state?.status as HealthStatus) ?? HealthStatus.UNKNOWN,
      monitored: row ? row.active : integration ? isMonitored(hc?.enabled !== false, integration.status) : false,
      interval_seconds: row?.interval_seconds ?? hc?.interval_seconds ?? null,
      failure_threshold: row?.failure_threshold ?? hc?.failure_threshold ?? 3,
      success_threshold: row?.success_threshold ?? hc?.success_threshold ?? 1,
      consecutive_failures: state?.consecutive_failures ?? 0,
      consecutive_successes: state?.consecutive_successes ?? 0,
      status_changed_at: isoOrNull(state?.status_changed_at),
      next_check_at: row?.active ? isoOrNull(row.next_due_at) : null,
      last_check: latest[0] ? toRecordDto(latest[0]) : null,
      last_success_at: isoOrNull(state?.last_success_at),
      last_error: state?.last_error_at ? { at: isoOrNull(state.last_error_at)!, message: state.last_error ?? 'check failed', status_code: state.last_error_status_code } : null,
      uptime_24h: { ratio: decided ? counts.successes / decided : null, ...counts },
      latest_checks: latest.map(toRecordDto),
    };
  }
}
