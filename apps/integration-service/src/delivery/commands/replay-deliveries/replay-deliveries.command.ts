export class ReplayDeliveriesCommand {
  constructor(
    readonly integrationId: string,
    readonly since: string,
  ) {}
}
