import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AccountsModule } from '../accounts/accounts.module';
import { ResourcesModule } from '../resources/resources.module';
import { StartSyncHandler } from './commands/start-sync/start-sync.handler';
import { GetSyncHandler } from './queries/get-sync/get-sync.handler';
import { SyncRpcController } from './sync.rpc.controller';
import { SYNC_REPOSITORY, TypeOrmSyncRepository } from './sync.repository';
import { SyncPlanner } from './sync.planner';
import { SyncRunner } from './sync.runner';
import { SyncTaskRunner } from './sync-task.runner';
import { SyncScheduler } from './sync.scheduler';

@Module({
  imports: [CqrsModule, AccountsModule, ResourcesModule],
  controllers: [SyncRpcController],
  providers: [{ provide: SYNC_REPOSITORY, useClass: TypeOrmSyncRepository }, SyncPlanner, SyncTaskRunner, SyncRunner, SyncScheduler, StartSyncHandler, GetSyncHandler],
  exports: [SyncRunner, SyncScheduler],
})
export class SyncModule {}
