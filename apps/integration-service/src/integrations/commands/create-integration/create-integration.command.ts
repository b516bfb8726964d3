import { IntegrationConfigDto } from '@app/contracts';

export class CreateIntegrationCommand {
  constructor(readonly config: IntegrationConfigDto) {}
}
