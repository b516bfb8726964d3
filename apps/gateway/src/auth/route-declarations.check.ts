import { PERMISSION_METADATA, PUBLIC_METADATA } from '@app/auth';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';

/**
 * At start, names every HTTP route that declares neither a permission nor @Public(). The guard refuses them
 * anyway; this makes the omission visible in the log before anyone calls the route.
 */
@Injectable()
export class RouteDeclarationsCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('AuthGuard');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  /** `Controller.method` of each undeclared route. */
  undeclared(): string[] {
    const out: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const cls = wrapper.metatype as Function | undefined;
      const instance = wrapper.instance as object | undefined;
      if (!cls || !instance) continue;
      const proto = Object.getPrototypeOf(instance);
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const handler = proto[name] as Function;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const declared = this.reflector.getAllAndOverride(PUBLIC_METADATA, [handler, cls]) || this.reflector.getAllAndOverride(PERMISSION_METADATA, [handler, cls]);
        if (!declared) out.push(`${cls.name}.${name}`);
      }
    }
    return out;
  }

  onApplicationBootstrap(): void {
    const missing = this.undeclared();
    if (missing.length) this.logger.error(`routes without @RequirePermission() or @Public(), refused to everyone: ${missing.join(', ')}`);
  }
}
