import { ServiceName } from '@app/contracts';
import { AppRuntime, ServiceInfrastructureModule } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { CheckResultEntity } from './checks/check-result.entity';
import { ChecksModule } from './checks/checks.module';
import { HealthStateEntity } from './checks/health-state.entity';
import { HealthModule } from './health/health.module';
import { CreateHealth1764200000000 } from './migrations/1764200000000-create-health';
import { SharedOutbox1764400000000 } from './migrations/1764400000000-shared-outbox';
import { InstanceLiveness1764500000000 } from './migrations/1764500000000-instance-liveness';
import { ScheduleEntity } from './schedule/schedule.entity';
import { ScheduleModule } from './schedule/schedule.module';

export const SCHEMA = 'health';

/** health-monitor: the health-check schedule, state and history of every integration. */
@Module({})
export class HealthMonitorModule {
  static forRoot(runtime: AppRuntime): DynamicModule {
    return {
      module: HealthMonitorModule,
      imports: [
        ServiceInfrastructureModule.forRoot(runtime, {
          app: ServiceName.HealthMonitor,
          schema: SCHEMA,
          entities: [ScheduleEntity, HealthStateEntity, CheckResultEntity],
          migrations: [CreateHealth1764200000000, SharedOutbox1764400000000, InstanceLiveness1764500000000],
          outbox: true,
        }),
        ScheduleModule,
        ChecksModule,
        HealthModule,
      ],
    };
  }
}
