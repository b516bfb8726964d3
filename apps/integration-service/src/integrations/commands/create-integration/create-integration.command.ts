import { IntegrationConfigDto, IntegrationDto } from '@app/contracts';
import { Command } from '@nestjs/cqrs';

export class CreateIntegrationCommand extends Command<IntegrationDto> {
  constructor(readonly config: IntegrationConfigDto) {
    super();
  }
}
