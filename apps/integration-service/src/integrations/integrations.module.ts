import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ConnectorsModule } from '../connectors';
import { ChangeIntegrationStatusHandler } from './commands/change-integration-status/change-integration-status.handler';
import { RegisterBulkHandler } from './commands/register-bulk/register-bulk.handler';
import { TestIntegrationHandler } from './commands/test-integration/test-integration.handler';
import { ConnectorContextFactory } from './connector-context.factory';
import { HealthStatusConsumer } from './health-status.consumer';
import { IntegrationHealthCheck } from './integration-health-check';
import { IntegrationValidator } from './integration-validator';
import { ListIntegrationTypesHandler } from './queries/list-integration-types/list-integration-types.handler';
import { ProbeIntegrationHandler } from './queries/probe-integration/probe-integration.handler';
import { CreateIntegrationHandler } from './commands/create-integration/create-integration.handler';
import { DeleteIntegrationHandler } from './commands/delete-integration/delete-integration.handler';
import { UpdateIntegrationHandler } from './commands/update-integration/update-integration.handler';
import { IntegrationMapper } from './integration.mapper';
import { INTEGRATION_REPOSITORY, TypeOrmIntegrationRepository } from './integration.repository';
import { IntegrationsRpcController } from './integrations.rpc.controller';
import { GetIntegrationHandler } from './queries/get-integration/get-integration.handler';
import { GetSigningSecretHandler } from './queries/get-signing-secret/get-signing-secret.handler';
import { RotateSigningSecretHandler } from './commands/rotate-signing-secret/rotate-signing-secret.handler';
import { ListIntegrationsHandler } from './queries/list-integrations/list-integrations.handler';

@Module({
  imports: [CqrsModule, ConnectorsModule],
  controllers: [IntegrationsRpcController],
  providers: [
    { provide: INTEGRATION_REPOSITORY, useClass: TypeOrmIntegrationRepository },
    IntegrationMapper,
    CreateIntegrationHandler,
    UpdateIntegrationHandler,
    DeleteIntegrationHandler,
    GetIntegrationHandler,
    ListIntegrationsHandler,
    IntegrationValidator,
    ConnectorContextFactory,
    IntegrationHealthCheck,
    ChangeIntegrationStatusHandler,
    TestIntegrationHandler,
    RegisterBulkHandler,
    ProbeIntegrationHandler,
    ListIntegrationTypesHandler,
    HealthStatusConsumer,
    GetSigningSecretHandler,
    RotateSigningSecretHandler,
  ],
  exports: [ConnectorContextFactory, IntegrationMapper, ConnectorsModule, INTEGRATION_REPOSITORY],
})
export class IntegrationsModule {}
