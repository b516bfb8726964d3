import { AccountDto, UpdateAccountRequest } from '@app/contracts';
import { Command } from '@nestjs/cqrs';

export class UpdateAccountCommand extends Command<AccountDto> {
  constructor(readonly request: UpdateAccountRequest) {
    super();
  }
}
