import { ServiceName } from '@app/contracts';
import { AppRuntime, ServiceInfrastructureModule } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';

export const SCHEMA = 'fleet';

/** fleet-service: AWS accounts, the resource registry, sync runs and fleet commands. */
@Module({})
export class FleetServiceModule {
  static forRoot(runtime: AppRuntime): DynamicModule {
    return {
      module: FleetServiceModule,
      imports: [ServiceInfrastructureModule.forRoot(runtime, { app: ServiceName.FleetService, schema: SCHEMA, entities: [], migrations: [] })],
    };
  }
}
