export class ListRecentInboundQuery {
  constructor(
    readonly integrationId: string,
    readonly limit: number,
  ) {}
}
