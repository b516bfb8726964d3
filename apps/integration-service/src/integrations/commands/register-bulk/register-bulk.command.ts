export class RegisterBulkCommand {
  constructor(
    readonly items: unknown[],
    readonly atomic: boolean,
  ) {}
}
