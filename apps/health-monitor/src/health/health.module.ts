import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ChecksModule } from '../checks/checks.module';
import { ScheduleModule } from '../schedule/schedule.module';
import { HealthRpcController } from './health.rpc.controller';
import { IntegrationLookup } from './integration-lookup';
import { GetHealthHistoryHandler } from './queries/get-health-history/get-health-history.handler';
import { GetIntegrationHealthHandler } from './queries/get-integration-health/get-integration-health.handler';
import { ListIntegrationHealthHandler } from './queries/list-integration-health/list-integration-health.handler';

/** Reads of integration health: the current view (one or a page at once) and the history. */
@Module({
  imports: [CqrsModule, ScheduleModule, ChecksModule],
  controllers: [HealthRpcController],
  providers: [IntegrationLookup, GetIntegrationHealthHandler, ListIntegrationHealthHandler, GetHealthHistoryHandler],
})
export class HealthModule {}
