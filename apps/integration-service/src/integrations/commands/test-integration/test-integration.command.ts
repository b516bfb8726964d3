export class TestIntegrationCommand {
  constructor(
    readonly id: string,
    readonly sendTestEvent: boolean,
  ) {}
}
