import { AppException, SigningSecretDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { activeRotation, currentSigningSecret, requireWebhook } from '../../../connectors';
import { IntegrationMapper } from '../../integration.mapper';
import { INTEGRATION_REPOSITORY, IntegrationRepository } from '../../integration.repository';
import { GetSigningSecretQuery } from './get-signing-secret.query';

@QueryHandler(GetSigningSecretQuery)
export class GetSigningSecretHandler implements IQueryHandler<GetSigningSecretQuery> {
  constructor(
    @Inject(INTEGRATION_REPOSITORY) private readonly repo: IntegrationRepository,
    private readonly mapper: IntegrationMapper,
  ) {}

  async execute({ id }: GetSigningSecretQuery): Promise<SigningSecretDto> {
    const row = await this.repo.getOrThrow(id);
    requireWebhook(row);
    const { connection } = this.mapper.open(row);
    const secret = currentSigningSecret(connection);
    // Only a row saved before secrets were generated (issue 14 item 20) can lack one; a rotation gives it one.
    if (!secret) throw new AppException('WEBHOOK_SECRET_MISSING', `Webhook "${row.name}" has no signing secret (it was saved before they were generated): rotate to create one`);
    return { integration_id: row.id, secret, previous_secret_expires_at: activeRotation(connection, Date.now())?.expires_at ?? null };
  }
}
