import { CheckCommandRequest, CommandCheckDto } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class CheckCommandQuery extends Query<CommandCheckDto> {
  constructor(readonly request: CheckCommandRequest) {
    super();
  }
}
