import type { ListResourceChangesQuery as Request, ResourceChangePageDto } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class ListResourceChangesQuery extends Query<ResourceChangePageDto> {
  constructor(readonly request: Request) {
    super();
  }
}
