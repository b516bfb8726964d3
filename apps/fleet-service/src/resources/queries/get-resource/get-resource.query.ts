export class GetResourceQuery {
  constructor(readonly arn: string) {}
}
