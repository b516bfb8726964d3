import { RequirePermission } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AuditEntryDto, ListAuditQuery } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { AuditRecorder } from '../audit/audit.recorder';
import { AuditRepository } from '../audit/audit.repository';
import { listQuery } from './graphql-limits';
import { FilteredPageArgs } from './page.args';
import { Connection, toConnection } from './types/common.types';
import { AuditEntry, AuditEntryConnection } from './types/integrations.types';

@Resolver(() => AuditEntry)
export class AuditResolver {
  constructor(
    private readonly repo: AuditRepository,
    private readonly recorder: AuditRecorder,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Query(() => AuditEntryConnection, { name: 'auditEntries', description: 'GET /api/v1/audit, newest first; filter: actor, method' })
  @RequirePermission('AuditRead')
  async list(@Args() { first, after, filter }: FilteredPageArgs): Promise<Connection<AuditEntryDto>> {
    await this.recorder.flush(); // what this instance has recorded so far is visible, as over REST
    return toConnection(await this.repo.list(listQuery(ListAuditQuery, filter, first, after, this.config.graphql.max_page_size)));
  }
}
