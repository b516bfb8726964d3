import { SyncRunDto } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class GetSyncQuery extends Query<SyncRunDto> {
  constructor(readonly id: string) {
    super();
  }
}
