import { DiscoverAccountsRequest, DiscoverAccountsResultDto } from '@app/contracts';
import { Command } from '@nestjs/cqrs';

export class DiscoverAccountsCommand extends Command<DiscoverAccountsResultDto> {
  constructor(readonly request: DiscoverAccountsRequest) {
    super();
  }
}
