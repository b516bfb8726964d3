import { ListDeliveriesRequest } from '@app/contracts';

export class ListDeliveriesQuery {
  constructor(readonly request: ListDeliveriesRequest) {}
}
