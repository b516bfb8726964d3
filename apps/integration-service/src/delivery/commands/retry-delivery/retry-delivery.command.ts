import { DeliveryDto } from '@app/contracts';
import { Command } from '@nestjs/cqrs';

export class RetryDeliveryCommand extends Command<DeliveryDto> {
  constructor(
    readonly integrationId: string,
    readonly deliveryId: string,
  ) {
    super();
  }
}
