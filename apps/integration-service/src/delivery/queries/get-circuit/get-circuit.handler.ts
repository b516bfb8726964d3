import { CircuitDto, CircuitState, integrationNotFound } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DELIVERY_GATE_REPOSITORY, DeliveryGateRepository } from '../../delivery-gate.repository';
import { DELIVERY_REPOSITORY, DeliveryRepository } from '../../delivery.repository';
import { GetCircuitQuery } from './get-circuit.query';

/** The breaker's state and the integration's deliveries per status. */
@QueryHandler(GetCircuitQuery)
export class GetCircuitHandler implements IQueryHandler<GetCircuitQuery> {
  constructor(
    @Inject(DELIVERY_REPOSITORY) private readonly repo: DeliveryRepository,
    @Inject(DELIVERY_GATE_REPOSITORY) private readonly gates: DeliveryGateRepository,
  ) {}

  async execute({ integrationId }: GetCircuitQuery): Promise<CircuitDto> {
    if (!(await this.repo.integrationExists(integrationId))) throw integrationNotFound(integrationId);
    const [state, counts] = await Promise.all([this.gates.state(integrationId), this.repo.counts(integrationId)]);
    return {
      integration_id: integrationId,
      state: state?.circuit_state ?? CircuitState.CLOSED,
      consecutive_failures: state?.consecutive_failures ?? 0,
      opened_at: state?.opened_at ? new Date(state.opened_at).toISOString() : null,
      counts,
    };
  }
}
