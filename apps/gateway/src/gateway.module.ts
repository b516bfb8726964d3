import { ConfigModule } from '@app/config';
import { ServiceName } from '@app/contracts';
import { MESSAGE_BUS, MessageBus, MessagingModule } from '@app/messaging';
import { AppRuntime, PlatformModule, READINESS_CHECKS, ReadinessCheck } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { IntegrationHealthController } from './health/integration-health.controller';
import { IntegrationsController } from './integrations/integrations.controller';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { FleetCommandsController } from './fleet-commands/fleet-commands.controller';
import { HooksController } from './inbound/hooks.controller';
import { InboundController } from './inbound/inbound.controller';
import { SystemController } from './system/system.controller';
import { AccountsController } from './accounts/accounts.controller';
import { InventoryController } from './inventory/inventory.controller';
import { ResourcesController } from './resources/resources.controller';

const APP = ServiceName.Gateway;

/** The HTTP edge. It owns no domain data; everything goes over NATS to the service that owns it. */
@Module({})
export class GatewayModule {
  static forRoot(runtime: AppRuntime): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ConfigModule.forRoot(runtime.config),
        MessagingModule.forRoot({ bus: runtime.bus, app: APP }),
        PlatformModule.forRoot({
          info: runtime.info(APP),
          checks: { provide: READINESS_CHECKS, inject: [MESSAGE_BUS], useFactory: (bus: MessageBus): ReadinessCheck[] => [{ name: 'messaging', check: () => bus.ping() }] },
        }),
      ],
      controllers: [IntegrationsController, HooksController, InboundController, DeliveriesController, IntegrationHealthController, SystemController, AccountsController, InventoryController, ResourcesController, FleetCommandsController],
    };
  }
}
