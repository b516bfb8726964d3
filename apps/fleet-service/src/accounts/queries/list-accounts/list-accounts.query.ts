import { AccountPageDto, ListAccountsQuery as ListAccountsRequest } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class ListAccountsQuery extends Query<AccountPageDto> {
  constructor(readonly request: ListAccountsRequest) {
    super();
  }
}
