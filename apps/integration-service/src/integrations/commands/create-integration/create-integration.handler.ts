import { randomUUID } from 'node:crypto';
import { domainEvent, EventSubjects, IntegrationConfigDto, IntegrationDto, IntegrationStatus, IntegrationType } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { withSigningSecret } from '../../../connectors';
import { IntegrationEntity } from '../../integration.entity';
import { IntegrationMapper } from '../../integration.mapper';
import { IntegrationValidator } from '../../integration-validator';
import { INTEGRATION_REPOSITORY, IntegrationRepository } from '../../integration.repository';
import { resolveMaskedSecrets } from '../../secrets/integration-secrets';
import { CreateIntegrationCommand } from './create-integration.command';

@CommandHandler(CreateIntegrationCommand)
export class CreateIntegrationHandler implements ICommandHandler<CreateIntegrationCommand> {
  constructor(
    @Inject(INTEGRATION_REPOSITORY) private readonly repo: IntegrationRepository,
    private readonly mapper: IntegrationMapper,
    private readonly validator: IntegrationValidator,
  ) {}

  /** A new row from a validated config: servable, secrets sealed (a webhook's generated when none is given), CONFIGURING (or INACTIVE when disabled). */
  build(given: IntegrationConfigDto): IntegrationEntity {
    const config = given.type === IntegrationType.WEBHOOK ? { ...given, connection: withSigningSecret(given.connection ?? {}, false) } : given;
    this.validator.assertServable(config);
    const { secrets, ...publicCopy } = this.mapper.split(config);
    resolveMaskedSecrets(secrets, {}); // a mask on create can only be a mistake
    const now = new Date();
    return this.mapper.toEntity(randomUUID(), config, secrets, publicCopy, config.enabled ? IntegrationStatus.CONFIGURING : IntegrationStatus.INACTIVE, now, now);
  }

  async execute({ config }: CreateIntegrationCommand): Promise<IntegrationDto> {
    const row = this.build(config);
    await this.repo.insert(row, [domainEvent(EventSubjects.IntegrationCreated, { integration: this.mapper.toPublic(row) }, row.id)]);
    return this.mapper.toDto(row);
  }
}
