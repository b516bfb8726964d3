import { IntegrationStatus } from '@app/contracts';

/**
 * Moves an integration to another status. `from` pins the expected current status (health and tests race
 * with users): when set and no longer true, nothing changes.
 */
export class ChangeIntegrationStatusCommand {
  constructor(
    readonly id: string,
    readonly to: IntegrationStatus,
    readonly reason: string | null,
    readonly opts: { from?: IntegrationStatus; enabled?: boolean; quietIfInvalid?: boolean } = {},
  ) {}
}
