import { IntegrationConfigDto, IntegrationDto } from '@app/contracts';
import { Command } from '@nestjs/cqrs';

/** Full replacement of an integration's config (PUT). Secrets sent as the mask keep their stored value. */
export class UpdateIntegrationCommand extends Command<IntegrationDto> {
  constructor(
    readonly id: string,
    readonly config: IntegrationConfigDto,
    /** Refuse (CONFLICT) unless the stored row's `updated_at` is still this one. */
    readonly expectedUpdatedAt?: string,
  ) {
    super();
  }
}
