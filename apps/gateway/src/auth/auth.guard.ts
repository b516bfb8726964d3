import { allows, identityKey, Permission, PERMISSION_METADATA, PUBLIC_METADATA } from '@app/auth';
import { AppException } from '@app/contracts';
import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Authenticator } from './authenticator';
import { IdentifiedRequest } from './current-identity';
import { RequestLimits } from './request-limits';

/**
 * The gateway's one gate, applied to every route: authenticate, rate-limit the identity, then check the
 * permission the endpoint declares. An endpoint that declares neither a permission nor @Public() is refused
 * to everyone (secure by default).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');
  private readonly warned = new Set<string>();

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly limits: RequestLimits,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true; // NATS handlers (@OnMessage) are not HTTP routes
    const targets = [ctx.getHandler(), ctx.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets) === true;
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_METADATA, targets);
    const req = ctx.switchToHttp().getRequest<IdentifiedRequest>();

    // Public endpoints ignore credentials entirely, so a stale token never blocks a login.
    if (isPublic) return true;
    const identity = await this.authenticator.authenticate(req.headers);
    if (!identity) throw new AppException('UNAUTHORIZED', 'Authentication required: send Authorization: Bearer <token> or X-API-Key');
    req.identity = identity;
    this.limits.takeForIdentity(identityKey(identity));
    if (!permission || !(permission in Permission)) {
      const where = `${ctx.getClass().name}.${ctx.getHandler().name}`;
      if (!this.warned.has(where)) {
        this.warned.add(where);
        this.logger.error(`${where} declares no permission: refused to everyone until it has @RequirePermission() or @Public()`);
      }
      throw new AppException('ROUTE_NOT_DECLARED', 'This endpoint declares no permission and is refused');
    }
    if (!allows(identity.role, permission)) throw new AppException('FORBIDDEN', `Requires the ${Permission[permission]} role (${permission})`);
    return true;
  }
}
