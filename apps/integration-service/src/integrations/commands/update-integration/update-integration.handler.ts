import { isDeepStrictEqual } from 'node:util';
import { IntegrationConfigDto, IntegrationDto, IntegrationStatus, IntegrationType } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { destinations, withSigningSecret } from '../../../connectors';
import { IntegrationEntity } from '../../integration.entity';
import { IntegrationMapper } from '../../integration.mapper';
import { assertReplaceable, assertUnchangedSince, nextUpdatedAt, replaceIntegration, statusAfterReplacement } from '../../integration-rules';
import { IntegrationValidator } from '../../integration-validator';
import { INTEGRATION_REPOSITORY, IntegrationRepository } from '../../integration.repository';
import { assertKeptSecretsStay, resolveMaskedSecrets } from '../../secrets/integration-secrets';
import { UpdateIntegrationCommand } from './update-integration.command';

@CommandHandler(UpdateIntegrationCommand)
export class UpdateIntegrationHandler implements ICommandHandler<UpdateIntegrationCommand> {
  constructor(
    @Inject(INTEGRATION_REPOSITORY) private readonly repo: IntegrationRepository,
    private readonly mapper: IntegrationMapper,
    private readonly validator: IntegrationValidator,
  ) {}

  execute({ id, config, expectedUpdatedAt }: UpdateIntegrationCommand): Promise<IntegrationDto> {
    return this.replace(id, (current) => {
      assertUnchangedSince(current, expectedUpdatedAt);
      return config;
    });
  }

  /**
   * Replaces the integration with the config `configOf` derives from the stored row, all under the row's lock, so a
   * status change, a rotation or another replacement meanwhile is neither overwritten nor computed from a stale copy.
   */
  async replace(id: string, configOf: (current: IntegrationEntity) => IntegrationConfigDto): Promise<IntegrationDto> {
    const next = await this.repo.replace(id, (current) => {
      const given = configOf(current);
      assertReplaceable(current);
      const storedSecrets = this.mapper.secretsOf(current);
      // A webhook that leaves its signing secret out keeps the stored one (or gets one): it is never sent unsigned.
      const config = given.type === IntegrationType.WEBHOOK ? { ...given, connection: withSigningSecret(given.connection ?? {}, current.type === IntegrationType.WEBHOOK && 'connection.secret' in storedSecrets) } : given;
      const { secrets: incoming, ...publicCopy } = this.mapper.split(config);
      const secrets = resolveMaskedSecrets(incoming, storedSecrets);
      const resolved = this.mapper.resolved(config, publicCopy, secrets);
      // A webhook's signing keys only make HMACs here and metadata goes nowhere; every other kept credential is sent, so it stays with its hosts.
      const neverSent = (path: string) => path.startsWith('metadata.') || (config.type === IntegrationType.WEBHOOK && /^connection\.(secret|secrets\.\d+|rotation\.previous_secret)$/.test(path));
      assertKeptSecretsStay(incoming, destinations(this.mapper.open(current)), destinations(resolved), neverSent);
      // Validated with the stored values where masks came back: a GET body PUT back unchanged is valid.
      this.validator.assertServable(resolved);
      const status = statusAfterReplacement(current.status as IntegrationStatus, config.enabled);
      const row = this.mapper.toEntity(id, config, secrets, publicCopy, status, current.created_at, nextUpdatedAt(current, new Date()));
      return { next: row, events: replaceIntegration(current, row, { secretsChanged: !isDeepStrictEqual(storedSecrets, secrets), view: (r) => this.mapper.toPublic(r) }) };
    });
    return this.mapper.toDto(next);
  }
}
