import { DiscoverAccountsRequest } from '@app/contracts';

export class DiscoverAccountsCommand {
  constructor(readonly request: DiscoverAccountsRequest) {}
}
