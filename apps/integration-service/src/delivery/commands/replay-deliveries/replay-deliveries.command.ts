import { ReplayResultDto } from '@app/contracts';
import { Command } from '@nestjs/cqrs';

export class ReplayDeliveriesCommand extends Command<ReplayResultDto> {
  constructor(
    readonly integrationId: string,
    readonly since: string,
  ) {
    super();
  }
}
