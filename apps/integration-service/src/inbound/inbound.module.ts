import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { IntegrationsModule } from '../integrations/integrations.module';
import { ReceiveWebhookHandler } from './commands/receive-webhook/receive-webhook.handler';
import { InboundRpcController } from './inbound.rpc.controller';
import { InboundPublisher } from './inbound-publisher';
import { INBOUND_REPOSITORY, TypeOrmInboundRepository } from './inbound.repository';
import { DEFAULT_INBOUND_RUNTIME_OPTIONS, INBOUND_RUNTIME_OPTIONS, InboundRuntime } from './inbound.runtime';
import { ListRecentInboundHandler } from './queries/list-recent-inbound/list-recent-inbound.handler';

/** Inbound integrations: long-lived listeners, the webhook receiver's back end, integration.inbound.<id> events. */
@Module({
  imports: [CqrsModule, IntegrationsModule],
  controllers: [InboundRpcController],
  providers: [
    { provide: INBOUND_REPOSITORY, useClass: TypeOrmInboundRepository },
    { provide: INBOUND_RUNTIME_OPTIONS, useValue: DEFAULT_INBOUND_RUNTIME_OPTIONS },
    InboundPublisher,
    InboundRuntime,
    ReceiveWebhookHandler,
    ListRecentInboundHandler,
  ],
  exports: [InboundRuntime],
})
export class InboundModule {}
