export class GetIntegrationHealthQuery {
  constructor(readonly integrationId: string) {}
}
