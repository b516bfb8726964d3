import { RequirePermission } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DeliveryStatus, HealthHistoryQuery, IntegrationDto, ListDeliveriesQuery, ListIntegrationsQuery } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { Args, Context, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { DeliveriesService } from '../deliveries/deliveries.service';
import { IntegrationHealthService } from '../health/integration-health.service';
import { IntegrationsService } from '../integrations/integrations.service';
import { GraphqlContext } from './graphql-context';
import { listQuery } from './graphql-limits';
import { FilteredPageArgs, PageArgs } from './page.args';
import { Connection, toConnection } from './types/common.types';
import { Circuit, Delivery, DeliveryConnection, HealthCheck, HealthCheckConnection, Integration, IntegrationConnection, IntegrationHealth } from './types/integrations.types';

/** Integrations and what hangs off them (health, checks, deliveries, dead letters, circuit), over the edge services. */
@Resolver(() => Integration)
export class IntegrationsResolver {
  private readonly maxPage: number;

  constructor(
    private readonly integrations: IntegrationsService,
    private readonly health: IntegrationHealthService,
    private readonly deliveries: DeliveriesService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.maxPage = config.graphql.max_page_size;
  }

  @Query(() => Integration, { description: 'GET /api/v1/integrations/{id}' })
  @RequirePermission('IntegrationsRead')
  integration(@Args('id', { type: () => ID }) id: string): Promise<IntegrationDto> {
    return this.integrations.get(id);
  }

  @Query(() => IntegrationConnection, { name: 'integrations', description: 'GET /api/v1/integrations; filter: type, status, direction, enabled, tag, q' })
  @RequirePermission('IntegrationsRead')
  async integrationList(@Args() { first, after, filter }: FilteredPageArgs): Promise<Connection<IntegrationDto>> {
    return toConnection(await this.integrations.list(listQuery(ListIntegrationsQuery, filter, first, after, this.maxPage)));
  }

  @Query(() => [GraphQLJSONObject], { description: 'GET /api/v1/integrations/types' })
  @RequirePermission('IntegrationsRead')
  integrationTypes(): Promise<object[]> {
    return this.integrations.types();
  }

  @ResolveField('health', () => IntegrationHealth)
  @RequirePermission('IntegrationsRead')
  healthStatus(@Parent() i: IntegrationDto, @Context() ctx: GraphqlContext): Promise<unknown> {
    return ctx.loaders.integrationHealth.load(i.id);
  }

  @ResolveField(() => HealthCheckConnection, { description: 'Recent health checks, newest first; filter: outcome' })
  @RequirePermission('IntegrationsRead')
  async recentChecks(@Parent() i: IntegrationDto, @Args() { first, after, filter }: FilteredPageArgs): Promise<Connection<HealthCheck>> {
    return toConnection(await this.health.history(i.id, listQuery(HealthHistoryQuery, filter, first, after, this.maxPage)));
  }

  @ResolveField('deliveries', () => DeliveryConnection, { description: 'Outbound deliveries; filter: status' })
  @RequirePermission('IntegrationsRead')
  async deliveryList(@Parent() i: IntegrationDto, @Args() { first, after, filter }: FilteredPageArgs): Promise<Connection<Delivery>> {
    return toConnection(await this.deliveries.list(i.id, listQuery(ListDeliveriesQuery, filter, first, after, this.maxPage)));
  }

  @ResolveField(() => DeliveryConnection, { description: 'Deliveries that gave up (status DEAD): retry or replay them' })
  @RequirePermission('IntegrationsRead')
  async deadLetters(@Parent() i: IntegrationDto, @Args() { first, after }: PageArgs): Promise<Connection<Delivery>> {
    return toConnection(await this.deliveries.list(i.id, listQuery(ListDeliveriesQuery, { status: DeliveryStatus.DEAD }, first, after, this.maxPage)));
  }

  @ResolveField(() => Circuit)
  @RequirePermission('IntegrationsRead')
  circuit(@Parent() i: IntegrationDto): Promise<Circuit> {
    return this.deliveries.circuit(i.id);
  }
}
