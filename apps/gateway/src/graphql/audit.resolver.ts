import { RequirePermission } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AuditEntryDto, ListAuditQuery } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { AuditService } from '../audit/audit.service';
import { listQuery } from './graphql-limits';
import { FilteredPageArgs } from './page.args';
import { Connection, toConnection } from './types/common.types';
import { AuditEntry, AuditEntryConnection } from './types/integrations.types';

@Resolver(() => AuditEntry)
export class AuditResolver {
  constructor(
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Query(() => AuditEntryConnection, { name: 'auditEntries', description: 'GET /api/v1/audit, newest first; filter: actor, method' })
  @RequirePermission('AuditRead')
  async list(@Args() { first, after, filter }: FilteredPageArgs): Promise<Connection<AuditEntryDto>> {
    return toConnection(await this.audit.list(listQuery(ListAuditQuery, filter, first, after, this.config.graphql.max_page_size)));
  }
}
