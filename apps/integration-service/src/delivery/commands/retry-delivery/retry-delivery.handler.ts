import { AppException, DeliveryDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DeliveryDispatcher } from '../../delivery-dispatcher';
import { toDeliveryDto } from '../../delivery.mapper';
import { DELIVERY_REPOSITORY, DeliveryRepository } from '../../delivery.repository';
import { RetryDeliveryCommand } from './retry-delivery.command';

/** A dead (or delivered, or waiting) delivery goes out again now, same id, with a fresh attempt budget. */
@CommandHandler(RetryDeliveryCommand)
export class RetryDeliveryHandler implements ICommandHandler<RetryDeliveryCommand> {
  constructor(
    @Inject(DELIVERY_REPOSITORY) private readonly repo: DeliveryRepository,
    private readonly dispatcher: DeliveryDispatcher,
  ) {}

  async execute({ integrationId, deliveryId }: RetryDeliveryCommand): Promise<DeliveryDto> {
    const found = await this.repo.findOne(integrationId, deliveryId);
    if (!found) throw new AppException('DELIVERY_NOT_FOUND', `No delivery ${deliveryId} for integration ${integrationId}`);
    if (!(await this.repo.requeue(integrationId, deliveryId))) throw new AppException('DELIVERY_IN_FLIGHT', `Delivery ${deliveryId} is being sent right now; try again when it has finished`);
    this.dispatcher.wake([integrationId]);
    const row = (await this.repo.findOne(integrationId, deliveryId))!;
    return toDeliveryDto(row, await this.repo.attemptsOf([deliveryId]));
  }
}
