import { Module } from '@nestjs/common';
import { AccountsService } from './accounts/accounts.service';
import { DeliveriesService } from './deliveries/deliveries.service';
import { EventHistoryService } from './events/event-history.service';
import { FleetCommandsService } from './fleet-commands/fleet-commands.service';
import { IntegrationHealthService } from './health/integration-health.service';
import { IntegrationsService } from './integrations/integrations.service';
import { InventoryService } from './inventory/inventory.service';
import { ResourcesService } from './resources/resources.service';

const SERVICES = [AccountsService, ResourcesService, InventoryService, FleetCommandsService, IntegrationsService, IntegrationHealthService, DeliveriesService, EventHistoryService];

/**
 * The edge layer under every door: one service per capability that REST controllers, MCP tools and GraphQL
 * resolvers call. What one door needs beyond validation and permissions (who asks, reassembling output, …)
 * lives here, so no door holds logic another door needs.
 */
@Module({ providers: SERVICES, exports: SERVICES })
export class CapabilitiesModule {}
