import { AppException, IntegrationType } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { IntegrationDeletedEvent } from '../../events/integration-deleted.event';
import { INTEGRATION_REPOSITORY, IntegrationRepository } from '../../integration.repository';
import { DeleteIntegrationCommand } from './delete-integration.command';

@CommandHandler(DeleteIntegrationCommand)
export class DeleteIntegrationHandler implements ICommandHandler<DeleteIntegrationCommand, void> {
  constructor(
    @Inject(INTEGRATION_REPOSITORY) private readonly repo: IntegrationRepository,
    private readonly events: EventBus,
  ) {}

  async execute({ id }: DeleteIntegrationCommand): Promise<void> {
    const removed = await this.repo.delete(id);
    if (!removed) throw new AppException('INTEGRATION_NOT_FOUND', `No integration with id ${id}`);
    this.events.publish(new IntegrationDeletedEvent({ id: removed.id, name: removed.name, type: removed.type as IntegrationType }));
  }
}
