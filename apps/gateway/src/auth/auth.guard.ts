import { allows, Identity, identityKey, Permission, PERMISSION_METADATA, PUBLIC_METADATA } from '@app/auth';
import { AppException } from '@app/contracts';
import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { Authenticator } from './authenticator';
import { IdentifiedRequest } from './current-identity';
import { RequestLimits } from './request-limits';
import { AuditRecorder } from '../audit/audit.recorder';
import { isMutation, recordMutation } from '../graphql/graphql-audit';
import { subscriptionError } from '../graphql/graphql-errors';

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
    private readonly audit: AuditRecorder,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const type = ctx.getType<GqlContextType>();
    if (type !== 'http' && type !== 'graphql') return true; // NATS handlers (@OnMessage) are not HTTP routes
    const targets = [ctx.getHandler(), ctx.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets) === true;
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_METADATA, targets);
    if (type === 'graphql') return this.graphql(ctx, permission);
    const req = ctx.switchToHttp().getRequest<IdentifiedRequest>();

    // Public endpoints ignore credentials entirely, so a stale token never blocks a login.
    if (isPublic) return true;
    const identity = await this.authenticator.authenticate(req.headers);
    if (!identity) throw new AppException('UNAUTHORIZED', 'Authentication required: send Authorization: Bearer <token> or X-API-Key');
    req.identity = identity;
    this.limits.takeForIdentity(identityKey(identity));
    this.authorize(identity, permission, ctx);
    return true;
  }

  /**
   * A GraphQL field (query, mutation, subscription or relation): the request was authenticated and rate-limited
   * once when its context was made (graphql/graphql-context.ts); here only its outcome and the field's permission.
   */
  private graphql(ctx: ExecutionContext, permission: Permission | undefined): boolean {
    const gql = GqlExecutionContext.create(ctx).getContext<{ identity?: Identity; authError?: AppException }>();
    try {
      if (gql.authError) throw gql.authError;
      if (!gql.identity) throw new AppException('UNAUTHORIZED', 'Authentication required: send Authorization: Bearer <token> or X-API-Key (in connection_init for subscriptions)');
      this.authorize(gql.identity, permission, ctx);
      return true;
    } catch (e) {
      // A refused mutation is audited like one that ran (queries and relations are reads).
      if (isMutation(ctx)) recordMutation(this.audit, ctx, e);
      // graphql-ws sends a subscription's refusal without Mercurius' error formatter: it carries its code itself.
      throw GqlExecutionContext.create(ctx).getInfo<{ operation?: { operation: string } } | undefined>()?.operation?.operation === 'subscription' ? subscriptionError(e) : e;
    }
  }

  private authorize(identity: Identity, permission: Permission | undefined, ctx: ExecutionContext): asserts permission is Permission {
    if (!permission || !(permission in Permission)) {
      const where = `${ctx.getClass().name}.${ctx.getHandler().name}`;
      if (!this.warned.has(where)) {
        this.warned.add(where);
        this.logger.error(`${where} declares no permission: refused to everyone until it has @RequirePermission() or @Public()`);
      }
      throw new AppException('ROUTE_NOT_DECLARED', 'This endpoint declares no permission and is refused');
    }
    if (!allows(identity.role, permission)) throw new AppException('FORBIDDEN', `Requires the ${Permission[permission]} role (${permission})`);
  }
}
