import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CreateIntegrationHandler } from './commands/create-integration/create-integration.handler';
import { DeleteIntegrationHandler } from './commands/delete-integration/delete-integration.handler';
import { UpdateIntegrationHandler } from './commands/update-integration/update-integration.handler';
import { IntegrationEventsHandler } from './events/integration-events.handler';
import { IntegrationMapper } from './integration.mapper';
import { INTEGRATION_REPOSITORY, TypeOrmIntegrationRepository } from './integration.repository';
import { IntegrationsController } from './integrations.controller';
import { GetIntegrationHandler } from './queries/get-integration/get-integration.handler';
import { ListIntegrationsHandler } from './queries/list-integrations/list-integrations.handler';

@Module({
  imports: [CqrsModule],
  controllers: [IntegrationsController],
  providers: [
    { provide: INTEGRATION_REPOSITORY, useClass: TypeOrmIntegrationRepository },
    IntegrationMapper,
    CreateIntegrationHandler,
    UpdateIntegrationHandler,
    DeleteIntegrationHandler,
    GetIntegrationHandler,
    ListIntegrationsHandler,
    IntegrationEventsHandler,
  ],
})
export class IntegrationsModule {}
