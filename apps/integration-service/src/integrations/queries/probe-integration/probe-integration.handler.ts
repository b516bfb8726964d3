import { ProbeResultDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { IntegrationHealthCheck } from '../../integration-health-check';
import { INTEGRATION_REPOSITORY, IntegrationRepository } from '../../integration.repository';
import { ProbeIntegrationQuery } from './probe-integration.query';

/** One background health check of one integration, run here because the secrets are here: only the outcome leaves this service. */
@QueryHandler(ProbeIntegrationQuery)
export class ProbeIntegrationHandler implements IQueryHandler<ProbeIntegrationQuery> {
  constructor(
    @Inject(INTEGRATION_REPOSITORY) private readonly repo: IntegrationRepository,
    private readonly healthCheck: IntegrationHealthCheck,
  ) {}

  async execute({ id }: ProbeIntegrationQuery): Promise<ProbeResultDto> {
    const row = await this.repo.getOrThrow(id);
    const started = performance.now();
    const verdict = await this.healthCheck.run(row);
    return { integration_id: id, latency_ms: Math.round(performance.now() - started), checked_at: new Date().toISOString(), ...verdict };
  }
}
