export class DeleteAccountCommand {
  constructor(readonly accountId: string) {}
}
