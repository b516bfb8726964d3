import { IntegrationConfigDto, SigningSecretDto } from '@app/contracts';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { currentSigningSecret, generateWebhookSecret, requireWebhook, rotatedConnection } from '../../../connectors';
import { IntegrationMapper } from '../../integration.mapper';
import { UpdateIntegrationHandler } from '../update-integration/update-integration.handler';
import { RotateSigningSecretCommand } from './rotate-signing-secret.command';

/**
 * A rotation is an update of the stored config (the GET body, masks and all, with a new `secret` and the replaced
 * one as `rotation.previous_secret`), so it is validated, sealed, announced (`integration.updated`, changed
 * `connection` and `secrets`) and picked up by deliveries and inbound listeners like any other change.
 */
@CommandHandler(RotateSigningSecretCommand)
export class RotateSigningSecretHandler implements ICommandHandler<RotateSigningSecretCommand> {
  constructor(
    private readonly mapper: IntegrationMapper,
    private readonly updater: UpdateIntegrationHandler,
  ) {}

  async execute({ id, graceSeconds }: RotateSigningSecretCommand): Promise<SigningSecretDto> {
    const fresh = generateWebhookSecret();
    let expiresAt: string | null = null;
    // Derived from the row as it is under the update's lock: two rotations at once chain (the second keeps the first's secret as previous), neither is lost.
    await this.updater.replace(id, (row) => {
      requireWebhook(row);
      const { id: _id, status: _s, status_reason: _r, created_at: _c, updated_at: _u, ...shown } = this.mapper.toDto(row);
      const connection = rotatedConnection(shown.connection, currentSigningSecret(this.mapper.open(row).connection), Date.now(), graceSeconds, fresh);
      expiresAt = (connection.rotation as { expires_at: string } | undefined)?.expires_at ?? null;
      return { ...shown, connection } as IntegrationConfigDto;
    });
    return { integration_id: id, secret: fresh, previous_secret_expires_at: expiresAt };
  }
}
