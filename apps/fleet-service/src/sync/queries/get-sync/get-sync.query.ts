export class GetSyncQuery {
  constructor(readonly id: string) {}
}
