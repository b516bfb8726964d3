import { ListIntegrationsQuery as ListIntegrationsRequest } from '@app/contracts';

export class ListIntegrationsQuery {
  constructor(readonly request: ListIntegrationsRequest) {}
}
