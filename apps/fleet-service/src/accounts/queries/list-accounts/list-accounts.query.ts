import { ListAccountsQuery as ListAccountsRequest } from '@app/contracts';

export class ListAccountsQuery {
  constructor(readonly request: ListAccountsRequest) {}
}
