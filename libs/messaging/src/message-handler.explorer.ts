import { rpcContract, validateInto } from '@app/contracts';
import { Inject, Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { APP_NAME } from './event-publisher';
import { Closeable, MESSAGE_BUS, MessageBus, RequestHandler } from './message-bus';
import { ON_MESSAGE_METADATA } from './on-message.decorator';

/**
 * Finds every @OnMessage method of the app and serves it on the bus, in the app's queue group, with the payload
 * validated into the subject's request class first (inside the handler run, so a bad payload is a VALIDATION_FAILED
 * reply like any handler error).
 */
@Injectable()
export class MessageHandlerExplorer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Messaging');
  private readonly subscriptions: Closeable[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(APP_NAME) private readonly app: string,
  ) {}

  onApplicationBootstrap(): void {
    const wrappers = [...this.discovery.getControllers(), ...this.discovery.getProviders()];
    for (const wrapper of wrappers) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const proto = Object.getPrototypeOf(instance);
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const meta = Reflect.getMetadata(ON_MESSAGE_METADATA, proto[name]) as { subject: string } | undefined;
        if (!meta) continue;
        const contract = rpcContract(meta.subject);
        if (!contract) throw new Error(`@OnMessage(${meta.subject}) on ${proto.constructor.name}.${name}: the subject has no contract in RpcContracts`);
        const fn = (instance[name] as RequestHandler).bind(instance);
        const { request, what } = contract;
        const handler: RequestHandler = request ? (payload, ctx) => fn(validateInto(request, payload, what), ctx) : (_payload, ctx) => fn({}, ctx);
        const queue = contract.everyInstance ? undefined : this.app;
        this.subscriptions.push(this.bus.serve(meta.subject, handler, { app: this.app, queue }));
        this.logger.debug(`serving ${meta.subject}${queue ? ` (queue ${queue})` : ''}`);
      }
    }
  }

  /** Stop taking requests first, so in-flight ones finish and new ones go to other replicas. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.subscriptions.splice(0).map((s) => s.close().catch(() => undefined)));
  }
}
