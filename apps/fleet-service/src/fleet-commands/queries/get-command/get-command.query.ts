export class GetCommandQuery {
  constructor(readonly id: string) {}
}
