import { CommandDto, CommandRequesterDto } from '@app/contracts';
import { Command } from '@nestjs/cqrs';

export class CancelCommandCommand extends Command<CommandDto> {
  constructor(
    readonly id: string,
    readonly requestedBy: CommandRequesterDto,
  ) {
    super();
  }
}
