import { IntegrationConfigDto } from '@app/contracts';

/** Full replacement of an integration's config (PUT). Secrets sent as the mask keep their stored value. */
export class UpdateIntegrationCommand {
  constructor(
    readonly id: string,
    readonly config: IntegrationConfigDto,
  ) {}
}
