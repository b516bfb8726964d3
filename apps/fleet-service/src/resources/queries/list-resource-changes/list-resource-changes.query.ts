import type { ListResourceChangesQuery as Request } from '@app/contracts';

export class ListResourceChangesQuery {
  constructor(readonly request: Request) {}
}
