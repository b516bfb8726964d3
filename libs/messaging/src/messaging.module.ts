import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { APP_NAME, EventPublisher } from './event-publisher';
import { MESSAGE_BUS, MessageBus } from './message-bus';
import { MessageHandlerExplorer } from './message-handler.explorer';

/**
 * Gives an app the bus it runs on (NATS or in-process: chosen by the launcher, owned and closed by it),
 * its event publisher and the @OnMessage wiring.
 */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(opts: { bus: MessageBus; app: string }): DynamicModule {
    return {
      module: MessagingModule,
      imports: [DiscoveryModule],
      providers: [{ provide: MESSAGE_BUS, useValue: opts.bus }, { provide: APP_NAME, useValue: opts.app }, EventPublisher, MessageHandlerExplorer],
      exports: [MESSAGE_BUS, APP_NAME, EventPublisher],
    };
  }
}
