import { ServiceName } from '@app/contracts';
import { AppRuntime, ServiceInfrastructureModule } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';

export const SCHEMA = 'health';

/** health-monitor: the health-check schedule, state and history of every integration. */
@Module({})
export class HealthMonitorModule {
  static forRoot(runtime: AppRuntime): DynamicModule {
    return {
      module: HealthMonitorModule,
      imports: [ServiceInfrastructureModule.forRoot(runtime, { app: ServiceName.HealthMonitor, schema: SCHEMA, entities: [], migrations: [] })],
    };
  }
}
