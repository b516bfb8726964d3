import { ServiceName } from '@app/contracts';
import { AppRuntime, ServiceInfrastructureModule } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { AccountEntity } from './accounts/account.entity';
import { AccountsModule } from './accounts/accounts.module';
import { FleetAwsModule } from './aws/fleet-aws.module';
import { CommandJobEntity, CommandOutputEntity, CommandResultEntity } from './fleet-commands/fleet-command.entity';
import { FleetCommandsModule } from './fleet-commands/fleet-commands.module';
import { CreateFleetCommands1764200000000 } from './migrations/1764200000000-create-fleet-commands';
import { CreateFleet1764150000000 } from './migrations/1764150000000-create-fleet';
import { SyncLeases1764300000000 } from './migrations/1764300000000-sync-leases';
import { FleetOutbox1764400000000 } from './migrations/1764400000000-outbox';
import { ResourceChanges1764500000000 } from './migrations/1764500000000-resource-changes';
import { ResourceEntity } from './resources/resource.entity';
import { ResourcesModule } from './resources/resources.module';
import { SyncRunEntity } from './sync/sync-run.entity';
import { SyncTaskEntity } from './sync/sync-task.entity';
import { SyncModule } from './sync/sync.module';

export const SCHEMA = 'fleet';

/** fleet-service: AWS accounts, the resource registry, sync runs and fleet commands. */
@Module({})
export class FleetServiceModule {
  static forRoot(runtime: AppRuntime): DynamicModule {
    return {
      module: FleetServiceModule,
      imports: [
        ServiceInfrastructureModule.forRoot(runtime, {
          app: ServiceName.FleetService,
          schema: SCHEMA,
          entities: [AccountEntity, ResourceEntity, SyncRunEntity, SyncTaskEntity, CommandJobEntity, CommandResultEntity, CommandOutputEntity],
          migrations: [CreateFleet1764150000000, CreateFleetCommands1764200000000, SyncLeases1764300000000, FleetOutbox1764400000000, ResourceChanges1764500000000],
          outbox: true,
        }),
        FleetAwsModule,
        AccountsModule,
        ResourcesModule,
        SyncModule,
        FleetCommandsModule,
      ],
    };
  }
}
