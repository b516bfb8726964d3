import { Module, Type } from '@nestjs/common';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsService } from './accounts/accounts.service';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { DeliveriesService } from './deliveries/deliveries.service';
import { EventHistoryService } from './events/event-history.service';
import { FleetCommandsController } from './fleet-commands/fleet-commands.controller';
import { FleetCommandsService } from './fleet-commands/fleet-commands.service';
import { IntegrationHealthController } from './health/integration-health.controller';
import { IntegrationHealthService } from './health/integration-health.service';
import { IntegrationsController } from './integrations/integrations.controller';
import { IntegrationsService } from './integrations/integrations.service';
import { InventoryController } from './inventory/inventory.controller';
import { InventoryService } from './inventory/inventory.service';
import { ResourcesController } from './resources/resources.controller';
import { ResourcesService } from './resources/resources.service';

/**
 * One line per capability: its edge service (which every door calls) and its REST controller, if it has one; the
 * gateway module mounts the controllers, MCP tools and GraphQL resolvers take the services from this module.
 */
const CAPABILITIES: { service: Type; rest?: Type }[] = [
  { service: IntegrationsService, rest: IntegrationsController },
  { service: DeliveriesService, rest: DeliveriesController },
  { service: IntegrationHealthService, rest: IntegrationHealthController },
  { service: AccountsService, rest: AccountsController },
  { service: InventoryService, rest: InventoryController },
  { service: ResourcesService, rest: ResourcesController },
  { service: FleetCommandsService, rest: FleetCommandsController },
  // The event history MCP tools read; REST and WebSocket clients stream events from EventsModule instead.
  { service: EventHistoryService },
];
const SERVICES = CAPABILITIES.map((c) => c.service);
export const CAPABILITY_CONTROLLERS = CAPABILITIES.flatMap((c) => (c.rest ? [c.rest] : []));

/**
 * The edge layer under every door: one service per capability that REST controllers, MCP tools and GraphQL
 * resolvers call. What one door needs beyond validation and permissions (who asks, reassembling output, …)
 * lives here, so no door holds logic another door needs.
 */
@Module({ providers: SERVICES, exports: SERVICES })
export class CapabilitiesModule {}
