import { ListCommandResultsRequest } from '@app/contracts';

export class ListCommandResultsQuery {
  constructor(readonly request: ListCommandResultsRequest) {}
}
