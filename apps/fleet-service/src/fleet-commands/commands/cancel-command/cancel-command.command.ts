import { CommandRequesterDto } from '@app/contracts';

export class CancelCommandCommand {
  constructor(
    readonly id: string,
    readonly requestedBy: CommandRequesterDto,
  ) {}
}
