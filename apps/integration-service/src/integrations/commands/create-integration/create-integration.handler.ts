import { randomUUID } from 'node:crypto';
import { IntegrationDto, IntegrationStatus } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { IntegrationCreatedEvent } from '../../events/integration-created.event';
import { IntegrationMapper } from '../../integration.mapper';
import { INTEGRATION_REPOSITORY, IntegrationRepository } from '../../integration.repository';
import { resolveMaskedSecrets } from '../../secrets/integration-secrets';
import { CreateIntegrationCommand } from './create-integration.command';

@CommandHandler(CreateIntegrationCommand)
export class CreateIntegrationHandler implements ICommandHandler<CreateIntegrationCommand, IntegrationDto> {
  constructor(
    @Inject(INTEGRATION_REPOSITORY) private readonly repo: IntegrationRepository,
    private readonly mapper: IntegrationMapper,
    private readonly events: EventBus,
  ) {}

  async execute({ config }: CreateIntegrationCommand): Promise<IntegrationDto> {
    const { auth, connection, secrets } = this.mapper.split(config);
    resolveMaskedSecrets(secrets, {}); // a mask on create can only be a mistake
    const now = new Date();
    const row = this.mapper.toEntity(randomUUID(), config, secrets, { auth, connection }, IntegrationStatus.CONFIGURING, now, now);
    await this.repo.insert(row);
    this.events.publish(new IntegrationCreatedEvent(this.mapper.toPublic(row)));
    return this.mapper.toDto(row);
  }
}
