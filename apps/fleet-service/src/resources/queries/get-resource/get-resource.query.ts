import { ResourceDto } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class GetResourceQuery extends Query<ResourceDto> {
  constructor(readonly arn: string) {
    super();
  }
}
