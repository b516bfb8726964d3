import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { GetResourceHandler } from './queries/get-resource/get-resource.handler';
import { ListResourceChangesHandler } from './queries/list-resource-changes/list-resource-changes.handler';
import { ListResourcesHandler } from './queries/list-resources/list-resources.handler';
import { ResourceSummaryHandler } from './queries/resource-summary/resource-summary.handler';
import { ResourcesRpcController } from './resources.rpc.controller';
import { RESOURCES_REPOSITORY, TypeOrmResourcesRepository } from './resources.repository';

@Module({
  imports: [CqrsModule],
  controllers: [ResourcesRpcController],
  providers: [{ provide: RESOURCES_REPOSITORY, useClass: TypeOrmResourcesRepository }, ListResourcesHandler, GetResourceHandler, ResourceSummaryHandler, ListResourceChangesHandler],
  exports: [RESOURCES_REPOSITORY],
})
export class ResourcesModule {}
