import { CommandPageDto, ListCommandsQuery as ListCommandsRequest } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class ListCommandsQuery extends Query<CommandPageDto> {
  constructor(readonly request: ListCommandsRequest) {
    super();
  }
}
