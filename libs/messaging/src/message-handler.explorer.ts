import { Inject, Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { APP_NAME } from './event-publisher';
import { Closeable, MESSAGE_BUS, MessageBus } from './message-bus';
import { ON_MESSAGE_METADATA, OnMessageOptions } from './on-message.decorator';

/** Finds every @OnMessage method of the app and serves it on the bus, in the app's queue group. */
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
        const meta = Reflect.getMetadata(ON_MESSAGE_METADATA, proto[name]) as ({ subject: string } & OnMessageOptions) | undefined;
        if (!meta) continue;
        const fn = (instance[name] as (...a: unknown[]) => Promise<unknown>).bind(instance);
        this.subscriptions.push(this.bus.serve(meta.subject, (payload, ctx) => fn(payload, ctx), { app: this.app, queue: meta.everyInstance ? undefined : this.app }));
        this.logger.debug(`serving ${meta.subject}${meta.everyInstance ? '' : ` (queue ${this.app})`}`);
      }
    }
  }

  /** Stop taking requests first, so in-flight ones finish and new ones go to other replicas. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.subscriptions.splice(0).map((s) => s.close().catch(() => undefined)));
  }
}
