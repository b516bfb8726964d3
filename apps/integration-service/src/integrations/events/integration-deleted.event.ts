import { IntegrationDeletedData } from '@app/contracts';

export class IntegrationDeletedEvent {
  constructor(readonly data: IntegrationDeletedData) {}
}
