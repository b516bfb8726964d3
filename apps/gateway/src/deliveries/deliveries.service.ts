import { CircuitDto, DeliveryDto, DeliveryPageDto, ListDeliveriesQuery, ReplayBody, ReplayResultDto, RpcSubjects } from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';

/** Outbound deliveries of an integration, for every door. */
@Injectable()
export class DeliveriesService {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  list(id: string, query: ListDeliveriesQuery): Promise<DeliveryPageDto> {
    return this.bus.request(RpcSubjects.IntegrationDeliveriesList, { ...query, id });
  }

  retry(id: string, deliveryId: string): Promise<DeliveryDto> {
    return this.bus.request(RpcSubjects.IntegrationDeliveryRetry, { id, delivery_id: deliveryId });
  }

  replay(id: string, body: ReplayBody): Promise<ReplayResultDto> {
    return this.bus.request(RpcSubjects.IntegrationReplay, { ...body, id });
  }

  circuit(id: string): Promise<CircuitDto> {
    return this.bus.request(RpcSubjects.IntegrationCircuitGet, { id });
  }
}
