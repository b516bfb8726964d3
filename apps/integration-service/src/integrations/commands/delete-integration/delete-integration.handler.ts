import { AppException, IntegrationType } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { integrationDeletedEvent } from '../../events/integration-deleted.event';
import { INTEGRATION_REPOSITORY, IntegrationRepository } from '../../integration.repository';
import { DeleteIntegrationCommand } from './delete-integration.command';

@CommandHandler(DeleteIntegrationCommand)
export class DeleteIntegrationHandler implements ICommandHandler<DeleteIntegrationCommand, void> {
  constructor(@Inject(INTEGRATION_REPOSITORY) private readonly repo: IntegrationRepository) {}

  async execute({ id }: DeleteIntegrationCommand): Promise<void> {
    const removed = await this.repo.delete(id, (r) => [integrationDeletedEvent({ id: r.id, name: r.name, type: r.type as IntegrationType })]);
    if (!removed) throw new AppException('INTEGRATION_NOT_FOUND', `No integration with id ${id}`);
  }
}
