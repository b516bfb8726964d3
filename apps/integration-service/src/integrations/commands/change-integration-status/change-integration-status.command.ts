import { IntegrationDto, IntegrationStatus } from '@app/contracts';
import { Command } from '@nestjs/cqrs';

/**
 * Moves an integration to another status. `from` pins the expected current status (health and tests race
 * with users): when set and no longer true, nothing changes.
 */
export class ChangeIntegrationStatusCommand extends Command<IntegrationDto | null> {
  constructor(
    readonly id: string,
    readonly to: IntegrationStatus,
    readonly reason: string | null,
    readonly opts: { from?: IntegrationStatus; enabled?: boolean; quietIfInvalid?: boolean } = {},
  ) {
    super();
  }
}
