import { RequirePermission, Role } from '@app/auth';
import { AppException } from '@app/contracts';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { GraphQLError } from 'graphql';
import { AuditRecorder } from '../audit/audit.recorder';
import { AuthGuard } from './auth.guard';
import { Authenticator } from './authenticator';
import { RequestLimits } from './request-limits';

class Resolvers {
  @RequirePermission('AuditRead')
  field(): void {}
}

/** A GraphQL field's execution context as Nest builds it: (root, args, context, info). */
function fieldContext(operation: 'query' | 'subscription', context: Record<string, unknown>): ExecutionContextHost {
  const host = new ExecutionContextHost([{}, {}, context, { operation: { operation }, parentType: { name: operation === 'query' ? 'Query' : 'Subscription' } }], Resolvers, Resolvers.prototype.field);
  host.setType('graphql');
  return host;
}

async function refusal(guard: AuthGuard, ctx: ExecutionContextHost): Promise<unknown> {
  try {
    await guard.canActivate(ctx);
  } catch (e) {
    return e;
  }
  throw new Error('the guard let the field through');
}

describe('AuthGuard on GraphQL fields', () => {
  // The GraphQL branch neither authenticates (the context did) nor audits a read: those parts are not reached.
  const guard = new AuthGuard(new Reflector(), {} as Authenticator, {} as RequestLimits, {} as AuditRecorder);
  const viewer = { identity: { kind: 'api_key', id: 'k1', name: 'viewer key', role: Role.Viewer } };

  it('refuses a subscription with its code on the error itself (graphql-ws skips the formatter)', async () => {
    const forbidden = await refusal(guard, fieldContext('subscription', viewer));
    expect(forbidden).toBeInstanceOf(GraphQLError);
    expect((forbidden as GraphQLError).extensions).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    const anonymous = await refusal(guard, fieldContext('subscription', {}));
    expect((anonymous as GraphQLError).extensions).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
  });

  it('leaves a query refusal to the error formatter, as the AppException', async () => {
    const forbidden = await refusal(guard, fieldContext('query', viewer));
    expect(forbidden).toBeInstanceOf(AppException);
    expect((forbidden as AppException).code).toBe('FORBIDDEN');
  });
});
