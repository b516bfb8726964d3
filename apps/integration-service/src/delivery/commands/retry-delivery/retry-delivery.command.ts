export class RetryDeliveryCommand {
  constructor(
    readonly integrationId: string,
    readonly deliveryId: string,
  ) {}
}
