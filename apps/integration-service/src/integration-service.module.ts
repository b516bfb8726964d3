import { ServiceName } from '@app/contracts';
import { AppRuntime, ServiceInfrastructureModule } from '@app/platform';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { IntegrationEntity } from './integrations/integration.entity';
import { IntegrationsModule } from './integrations/integrations.module';
import { DeliveryModule } from './delivery/delivery.module';
import { CreateDeliveries1764000300000 } from './migrations/1764000300000-create-deliveries';
import { InboundModule } from './inbound/inbound.module';
import { SECRET_BOX, SecretBox } from './integrations/secrets/secret-box';
import { CreateIntegrations1764000000000 } from './migrations/1764000000000-create-integrations';
import { IntegrationStatusReason1764000100000 } from './migrations/1764000100000-integration-status-reason';
import { Inbound1764000250000 } from './migrations/1764000250000-inbound';
import { IntegrationOutbox1764000400000 } from './migrations/1764000400000-outbox';
import { DeliveryOrderKey1764000500000 } from './migrations/1764000500000-delivery-order-key';

export const SCHEMA = 'integration';

/** integration-service: the integration registry, its secrets (sealed) and, later, connectors and deliveries. */
@Global()
@Module({})
export class IntegrationServiceModule {
  static forRoot(runtime: AppRuntime): DynamicModule {
    return {
      module: IntegrationServiceModule,
      imports: [
        ServiceInfrastructureModule.forRoot(runtime, {
          app: ServiceName.IntegrationService,
          schema: SCHEMA,
          entities: [IntegrationEntity],
          migrations: [CreateIntegrations1764000000000, IntegrationStatusReason1764000100000, Inbound1764000250000, CreateDeliveries1764000300000, IntegrationOutbox1764000400000, DeliveryOrderKey1764000500000],
          outbox: true,
        }),
        IntegrationsModule,
        InboundModule,
        DeliveryModule,
      ],
      providers: [{ provide: SECRET_BOX, useFactory: () => new SecretBox(runtime.encryptionKey) }],
      exports: [SECRET_BOX],
    };
  }
}
