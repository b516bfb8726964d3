import { AppException, SyncRunDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { toSyncRunDto } from '../../sync-run.mapper';
import { SYNC_REPOSITORY, SyncRepository } from '../../sync.repository';
import { GetSyncQuery } from './get-sync.query';

@QueryHandler(GetSyncQuery)
export class GetSyncHandler implements IQueryHandler<GetSyncQuery> {
  constructor(@Inject(SYNC_REPOSITORY) private readonly repo: SyncRepository) {}

  async execute({ id }: GetSyncQuery): Promise<SyncRunDto> {
    const found = await this.repo.findRun(id);
    if (!found) throw new AppException('SYNC_NOT_FOUND', `No sync run ${id}`);
    return toSyncRunDto(found.run, found.tasks);
  }
}
