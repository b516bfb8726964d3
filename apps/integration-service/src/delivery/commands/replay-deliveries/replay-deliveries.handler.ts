import { integrationNotFound, ReplayResultDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DeliveryDispatcher } from '../../delivery-dispatcher';
import { DELIVERY_REPOSITORY, DeliveryRepository } from '../../delivery.repository';
import { ReplayDeliveriesCommand } from './replay-deliveries.command';

/**
 * Re-sends every finished (DELIVERED or DEAD) delivery recorded since a time: new attempts of the same
 * deliveries, same delivery ids, so receivers that already have one drop it and the ones they missed arrive.
 */
@CommandHandler(ReplayDeliveriesCommand)
export class ReplayDeliveriesHandler implements ICommandHandler<ReplayDeliveriesCommand> {
  constructor(
    @Inject(DELIVERY_REPOSITORY) private readonly repo: DeliveryRepository,
    private readonly dispatcher: DeliveryDispatcher,
  ) {}

  async execute({ integrationId, since }: ReplayDeliveriesCommand): Promise<ReplayResultDto> {
    if (!(await this.repo.integrationExists(integrationId))) throw integrationNotFound(integrationId);
    const replayed = await this.repo.replaySince(integrationId, since);
    if (replayed) this.dispatcher.wake([integrationId]);
    return { replayed };
  }
}
