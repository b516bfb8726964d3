import { CircuitDto, DeliveryDto, DeliveryPageDto, DeliveryRefRequest, IntegrationIdRequest, ListDeliveriesRequest, ReplayRequest, ReplayResultDto, RpcSubjects } from '@app/contracts';
import { OnMessage } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ReplayDeliveriesCommand } from './commands/replay-deliveries/replay-deliveries.command';
import { RetryDeliveryCommand } from './commands/retry-delivery/retry-delivery.command';
import { GetCircuitQuery } from './queries/get-circuit/get-circuit.query';
import { ListDeliveriesQuery } from './queries/list-deliveries/list-deliveries.query';

/** Deliveries, dead letters, replay and the breaker over NATS; payloads validated with the gateway's classes. */
@Controller()
export class DeliveriesRpcController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @OnMessage(RpcSubjects.IntegrationDeliveriesList)
  list(req: ListDeliveriesRequest): Promise<DeliveryPageDto> {
    return this.queries.execute(new ListDeliveriesQuery(req));
  }

  @OnMessage(RpcSubjects.IntegrationDeliveryRetry)
  retry(req: DeliveryRefRequest): Promise<DeliveryDto> {
    return this.commands.execute(new RetryDeliveryCommand(req.id, req.delivery_id));
  }

  @OnMessage(RpcSubjects.IntegrationReplay)
  replay(req: ReplayRequest): Promise<ReplayResultDto> {
    return this.commands.execute(new ReplayDeliveriesCommand(req.id, req.since));
  }

  @OnMessage(RpcSubjects.IntegrationCircuitGet)
  circuit(req: IntegrationIdRequest): Promise<CircuitDto> {
    return this.queries.execute(new GetCircuitQuery(req.id));
  }
}
