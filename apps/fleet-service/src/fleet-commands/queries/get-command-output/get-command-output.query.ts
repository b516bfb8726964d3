export class GetCommandOutputQuery {
  constructor(
    readonly id: string,
    readonly accountId: string,
    readonly region: string,
  ) {}
}
