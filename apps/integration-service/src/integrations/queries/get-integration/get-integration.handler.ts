import { IntegrationDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { IntegrationMapper } from '../../integration.mapper';
import { INTEGRATION_REPOSITORY, IntegrationRepository } from '../../integration.repository';
import { GetIntegrationQuery } from './get-integration.query';

@QueryHandler(GetIntegrationQuery)
export class GetIntegrationHandler implements IQueryHandler<GetIntegrationQuery> {
  constructor(
    @Inject(INTEGRATION_REPOSITORY) private readonly repo: IntegrationRepository,
    private readonly mapper: IntegrationMapper,
  ) {}

  async execute({ id }: GetIntegrationQuery): Promise<IntegrationDto> {
    const row = await this.repo.getOrThrow(id);
    return this.mapper.toDto(row);
  }
}
