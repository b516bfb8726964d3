import { TestIntegrationResultDto } from '@app/contracts';
import { Command } from '@nestjs/cqrs';

export class TestIntegrationCommand extends Command<TestIntegrationResultDto> {
  constructor(
    readonly id: string,
    readonly sendTestEvent: boolean,
  ) {
    super();
  }
}
