import { CreateAccountRequest } from '@app/contracts';

export class CreateAccountCommand {
  constructor(readonly request: CreateAccountRequest) {}
}
