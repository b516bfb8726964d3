import { AccountDto } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class GetAccountQuery extends Query<AccountDto> {
  constructor(readonly accountId: string) {
    super();
  }
}
