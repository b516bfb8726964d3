import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { IntegrationsModule } from '../integrations/integrations.module';
import { ReplayDeliveriesHandler } from './commands/replay-deliveries/replay-deliveries.handler';
import { RetryDeliveryHandler } from './commands/retry-delivery/retry-delivery.handler';
import { ConnectorCache } from './connector-cache';
import { DeliveriesRpcController } from './deliveries.rpc.controller';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { DeliveryIntake } from './delivery-intake';
import { DeliveryMetrics } from './delivery-metrics';
import { DELIVERY_GATE_REPOSITORY, TypeOrmDeliveryGateRepository } from './delivery-gate.repository';
import { DELIVERY_REPOSITORY, TypeOrmDeliveryRepository } from './delivery.repository';
import { GetCircuitHandler } from './queries/get-circuit/get-circuit.handler';
import { ListDeliveriesHandler } from './queries/list-deliveries/list-deliveries.handler';
import { SubscriptionCache } from './subscription-cache';

/** Outbound delivery: events → deliveries (PostgreSQL) → connectors, with retries, rate limits, breaker, dead letters. */
@Module({
  imports: [CqrsModule, IntegrationsModule],
  controllers: [DeliveriesRpcController],
  providers: [
    { provide: DELIVERY_REPOSITORY, useClass: TypeOrmDeliveryRepository },
    { provide: DELIVERY_GATE_REPOSITORY, useClass: TypeOrmDeliveryGateRepository },
    SubscriptionCache, ConnectorCache, DeliveryDispatcher, DeliveryIntake, DeliveryMetrics, ListDeliveriesHandler,
    GetCircuitHandler,
    RetryDeliveryHandler,
    ReplayDeliveriesHandler,
  ],
})
export class DeliveryModule {}
