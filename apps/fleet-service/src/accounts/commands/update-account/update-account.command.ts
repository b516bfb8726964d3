import { UpdateAccountRequest } from '@app/contracts';

export class UpdateAccountCommand {
  constructor(readonly request: UpdateAccountRequest) {}
}
