import { CommandDto } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class GetCommandQuery extends Query<CommandDto> {
  constructor(readonly id: string) {
    super();
  }
}
