export class DeleteIntegrationCommand {
  constructor(readonly id: string) {}
}
