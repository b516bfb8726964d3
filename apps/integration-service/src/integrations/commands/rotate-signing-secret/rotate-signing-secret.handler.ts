import { IntegrationConfigDto, SigningSecretDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { currentSigningSecret, generateWebhookSecret, requireWebhook, rotatedConnection } from '../../../connectors';
import { IntegrationMapper } from '../../integration.mapper';
import { INTEGRATION_REPOSITORY, IntegrationRepository } from '../../integration.repository';
import { UpdateIntegrationCommand } from '../update-integration/update-integration.command';
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
    @Inject(INTEGRATION_REPOSITORY) private readonly repo: IntegrationRepository,
    private readonly mapper: IntegrationMapper,
    private readonly updater: UpdateIntegrationHandler,
  ) {}

  async execute({ id, graceSeconds }: RotateSigningSecretCommand): Promise<SigningSecretDto> {
    const row = await this.repo.getOrThrow(id);
    requireWebhook(row);
    const { id: _id, status: _s, status_reason: _r, created_at: _c, updated_at: _u, ...shown } = this.mapper.toDto(row);
    const fresh = generateWebhookSecret();
    const connection = rotatedConnection(shown.connection, currentSigningSecret(this.mapper.open(row).connection), Date.now(), graceSeconds, fresh);
    await this.updater.execute(new UpdateIntegrationCommand(id, { ...shown, connection } as IntegrationConfigDto));
    const rotation = connection.rotation as { expires_at: string } | undefined;
    return { integration_id: id, secret: fresh, previous_secret_expires_at: rotation?.expires_at ?? null };
  }
}
