import { isDeepStrictEqual } from 'node:util';
import { IntegrationDto, integrationNotFound, IntegrationStatus, IntegrationType } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { destinationHosts, withSigningSecret } from '../../../connectors';
import { IntegrationMapper } from '../../integration.mapper';
import { assertReplaceable, replaceIntegration, statusAfterReplacement } from '../../integration-rules';
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

  async execute({ id, config: given }: UpdateIntegrationCommand): Promise<IntegrationDto> {
    const current = await this.repo.getOrThrow(id);
    assertReplaceable(current);
    const storedSecrets = this.mapper.secretsOf(current);
    // A webhook that leaves its signing secret out keeps the stored one (or gets one): it is never sent unsigned.
    const config = given.type === IntegrationType.WEBHOOK ? { ...given, connection: withSigningSecret(given.connection ?? {}, current.type === IntegrationType.WEBHOOK && 'connection.secret' in storedSecrets) } : given;
    const { secrets: incoming, ...publicCopy } = this.mapper.split(config);
    const secrets = resolveMaskedSecrets(incoming, storedSecrets);
    const resolved = this.mapper.resolved(config, publicCopy, secrets);
    // A webhook's signing keys only make HMACs here and metadata goes nowhere; every other kept credential is sent, so it stays with its hosts.
    const neverSent = (path: string) => path.startsWith('metadata.') || (config.type === IntegrationType.WEBHOOK && /^connection\.(secret|secrets\.\d+|rotation\.previous_secret)$/.test(path));
    assertKeptSecretsStay(incoming, destinationHosts(this.mapper.open(current)), destinationHosts(resolved), neverSent);
    // Validated with the stored values where masks came back: a GET body PUT back unchanged is valid.
    this.validator.assertServable(resolved);
    const status = statusAfterReplacement(current.status as IntegrationStatus, config.enabled);
    const next = this.mapper.toEntity(id, config, secrets, publicCopy, status, current.created_at, new Date());
    const events = replaceIntegration(current, next, { secretsChanged: !isDeepStrictEqual(storedSecrets, secrets), view: (row) => this.mapper.toPublic(row) });
    if (!(await this.repo.update(next, events))) throw integrationNotFound(id);
    return this.mapper.toDto(next);
  }
}
