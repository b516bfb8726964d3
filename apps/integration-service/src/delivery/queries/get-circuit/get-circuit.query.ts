export class GetCircuitQuery {
  constructor(readonly integrationId: string) {}
}
