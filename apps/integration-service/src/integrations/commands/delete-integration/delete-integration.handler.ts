import { domainEvent, EventSubjects, integrationNotFound, IntegrationType } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { INTEGRATION_REPOSITORY, IntegrationRepository } from '../../integration.repository';
import { DeleteIntegrationCommand } from './delete-integration.command';

@CommandHandler(DeleteIntegrationCommand)
export class DeleteIntegrationHandler implements ICommandHandler<DeleteIntegrationCommand> {
  constructor(@Inject(INTEGRATION_REPOSITORY) private readonly repo: IntegrationRepository) {}

  async execute({ id }: DeleteIntegrationCommand): Promise<void> {
    const removed = await this.repo.delete(id, (r) => [domainEvent(EventSubjects.IntegrationDeleted, { id: r.id, name: r.name, type: r.type as IntegrationType }, r.id)]);
    if (!removed) throw integrationNotFound(id);
  }
}
