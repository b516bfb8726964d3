import { DeliveryPageDto, ListDeliveriesRequest } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class ListDeliveriesQuery extends Query<DeliveryPageDto> {
  constructor(readonly request: ListDeliveriesRequest) {
    super();
  }
}
