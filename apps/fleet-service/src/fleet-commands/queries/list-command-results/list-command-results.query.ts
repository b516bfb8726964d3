import { CommandResultPageDto, ListCommandResultsRequest } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class ListCommandResultsQuery extends Query<CommandResultPageDto> {
  constructor(readonly request: ListCommandResultsRequest) {
    super();
  }
}
