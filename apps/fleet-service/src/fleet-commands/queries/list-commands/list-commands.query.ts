import { ListCommandsQuery as ListCommandsRequest } from '@app/contracts';

export class ListCommandsQuery {
  constructor(readonly request: ListCommandsRequest) {}
}
