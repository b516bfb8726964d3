import { AppException, ResourceDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { toResourceDto } from '../../resource.mapper';
import { RESOURCES_REPOSITORY, ResourcesRepository } from '../../resources.repository';
import { GetResourceQuery } from './get-resource.query';

@QueryHandler(GetResourceQuery)
export class GetResourceHandler implements IQueryHandler<GetResourceQuery> {
  constructor(@Inject(RESOURCES_REPOSITORY) private readonly repo: ResourcesRepository) {}

  async execute({ arn }: GetResourceQuery): Promise<ResourceDto> {
    const row = await this.repo.findByArn(arn);
    if (!row) throw new AppException('RESOURCE_NOT_FOUND', `No resource with ARN ${arn} in the registry`);
    return toResourceDto(row);
  }
}
