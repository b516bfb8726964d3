import { AccountDto, CreateAccountRequest } from '@app/contracts';
import { Command } from '@nestjs/cqrs';

export class CreateAccountCommand extends Command<AccountDto> {
  constructor(readonly request: CreateAccountRequest) {
    super();
  }
}
