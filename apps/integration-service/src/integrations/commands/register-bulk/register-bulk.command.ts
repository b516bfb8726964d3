import { BulkRegisterResultDto } from '@app/contracts';
import { Command } from '@nestjs/cqrs';

export class RegisterBulkCommand extends Command<BulkRegisterResultDto> {
  constructor(
    readonly items: unknown[],
    readonly atomic: boolean,
  ) {
    super();
  }
}
