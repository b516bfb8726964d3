import { RequirePermission } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AccountDto, CommandDto, ListAccountsQuery, ListCommandResultsQuery, ListCommandsQuery, ListResourceChangesQuery, ListResourcesQuery, ResourceDto, ResourceSummaryQuery, SyncRunDto, validateInto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { Args, Context, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { AccountsService } from '../accounts/accounts.service';
import { FleetCommandsService } from '../fleet-commands/fleet-commands.service';
import { InventoryService } from '../inventory/inventory.service';
import { ResourcesService } from '../resources/resources.service';
import { GraphqlContext } from './graphql-context';
import { listQuery } from './graphql-limits';
import { FilteredPageArgs, PageArgs } from './page.args';
import { Connection, toConnection } from './types/common.types';
import { Account, AccountConnection, Command, CommandConnection, CommandTarget, CommandTargetConnection, Resource, ResourceChange, ResourceChangeConnection, ResourceConnection, ResourceSummary, SyncRun } from './types/fleet.types';

/** Accounts, resources, syncs and fleet commands, over the edge services; relations batch through the loaders. */
@Resolver(() => Resource)
export class ResourcesResolver {
  private readonly maxPage: number;

  constructor(
    private readonly resources: ResourcesService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.maxPage = config.graphql.max_page_size;
  }

  @Query(() => Resource, { description: 'GET /api/v1/resources/{arn}' })
  @RequirePermission('InventoryRead')
  resource(@Args('arn', { type: () => ID }) arn: string): Promise<ResourceDto> {
    return this.resources.get(arn);
  }

  @Query(() => ResourceConnection, { name: 'resources', description: 'GET /api/v1/resources; filter: account_id, region, service, type, state, tag, q, include_removed' })
  @RequirePermission('InventoryRead')
  async list(@Args() { first, after, filter }: FilteredPageArgs): Promise<Connection<ResourceDto>> {
    return toConnection(await this.resources.list(listQuery(ListResourcesQuery, filter, first, after, this.maxPage)));
  }

  @Query(() => ResourceSummary, { description: 'GET /api/v1/resources/summary' })
  @RequirePermission('InventoryRead')
  resourceSummary(@Args('filter', { type: () => GraphQLJSONObject, nullable: true }) filter?: Record<string, unknown> | null): Promise<ResourceSummary> {
    return this.resources.summary(validateInto(ResourceSummaryQuery, filter ?? {}, 'filter'));
  }

  @Query(() => ResourceChangeConnection, { description: 'GET /api/v1/resources/changes; filter: arn, account_id' })
  @RequirePermission('InventoryRead')
  async resourceChanges(@Args() { first, after, filter }: FilteredPageArgs): Promise<Connection<ResourceChange>> {
    return toConnection(await this.resources.changes(listQuery(ListResourceChangesQuery, filter, first, after, this.maxPage)));
  }

  @ResolveField('account', () => Account, { nullable: true, description: 'The account it belongs to (batched: one request per page)' })
  @RequirePermission('InventoryRead')
  account(@Parent() r: ResourceDto, @Context() ctx: GraphqlContext): Promise<AccountDto | null> {
    return ctx.loaders.account.load(r.account_id);
  }

  @ResolveField('changes', () => ResourceChangeConnection, { description: 'Its change history, newest first' })
  @RequirePermission('InventoryRead')
  async history(@Parent() r: ResourceDto, @Args() { first, after }: PageArgs): Promise<Connection<ResourceChange>> {
    return toConnection(await this.resources.changes(listQuery(ListResourceChangesQuery, { arn: r.arn }, first, after, this.maxPage)));
  }
}

@Resolver(() => Account)
export class AccountsResolver {
  private readonly maxPage: number;

  constructor(
    private readonly accounts: AccountsService,
    private readonly resources: ResourcesService,
    private readonly inventory: InventoryService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.maxPage = config.graphql.max_page_size;
  }

  @Query(() => Account, { description: 'GET /api/v1/accounts/{account_id}' })
  @RequirePermission('InventoryRead')
  account(@Args('account_id', { type: () => ID }) accountId: string): Promise<AccountDto> {
    return this.accounts.get(accountId);
  }

  @Query(() => AccountConnection, { name: 'accounts', description: 'GET /api/v1/accounts; filter: status, enabled, account_ids' })
  @RequirePermission('InventoryRead')
  async list(@Args() { first, after, filter }: FilteredPageArgs): Promise<Connection<AccountDto>> {
    return toConnection(await this.accounts.list(listQuery(ListAccountsQuery, filter, first, after, this.maxPage)));
  }

  @ResolveField('resources', () => ResourceConnection, { description: "The account's resources; filter as for Query.resources (without account_id)" })
  @RequirePermission('InventoryRead')
  async resourcesOf(@Parent() a: AccountDto, @Args() { first, after, filter }: FilteredPageArgs): Promise<Connection<ResourceDto>> {
    return toConnection(await this.resources.list(listQuery(ListResourcesQuery, { ...filter, account_id: a.account_id }, first, after, this.maxPage)));
  }

  @Query(() => SyncRun, { description: 'GET /api/v1/inventory/sync/{id}' })
  @RequirePermission('InventoryRead')
  syncRun(@Args('id', { type: () => ID }) id: string): Promise<SyncRunDto> {
    return this.inventory.getSync(id);
  }
}

@Resolver(() => Command)
export class CommandsResolver {
  private readonly maxPage: number;

  constructor(
    private readonly commands: FleetCommandsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.maxPage = config.graphql.max_page_size;
  }

  @Query(() => Command, { description: 'GET /api/v1/commands/{id}' })
  @RequirePermission('InventoryRead')
  command(@Args('id', { type: () => ID }) id: string): Promise<CommandDto> {
    return this.commands.get(id);
  }

  @Query(() => CommandConnection, { name: 'commands', description: 'GET /api/v1/commands; filter: status' })
  @RequirePermission('InventoryRead')
  async list(@Args() { first, after, filter }: FilteredPageArgs): Promise<Connection<CommandDto>> {
    return toConnection(await this.commands.list(listQuery(ListCommandsQuery, filter, first, after, this.maxPage)));
  }

  @ResolveField('targets', () => CommandTargetConnection, { description: 'A result per account × region (GET /api/v1/commands/{id}/results); filter: status' })
  @RequirePermission('InventoryRead')
  async targets(@Parent() c: CommandDto, @Args() { first, after, filter }: FilteredPageArgs): Promise<Connection<CommandTarget>> {
    return toConnection(await this.commands.results(c.id, listQuery(ListCommandResultsQuery, filter, first, after, this.maxPage)));
  }

  @ResolveField('selection', () => GraphQLJSONObject, { description: 'The targets as given: account_ids, account_tags, regions' })
  @RequirePermission('InventoryRead')
  selection(@Parent() c: CommandDto): object {
    return c.targets;
  }
}
