import { AppException } from '@app/contracts';
import { toAppException } from '@app/platform';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { Observable, tap } from 'rxjs';
import { AuditRecorder, outcomeOf } from '../audit/audit.recorder';
import { GraphqlContext } from './graphql-context';

/** Records one mutation field in the audit log: door graphql, action `mutation <field>`, censored arguments. */
export function recordMutation(recorder: AuditRecorder, ctx: ExecutionContext, error?: unknown): void {
  const gql = GqlExecutionContext.create(ctx);
  const context = gql.getContext<GraphqlContext>();
  const info = gql.getInfo<{ fieldName: string; parentType: { name: string } }>();
  const status = error === undefined ? 200 : (error instanceof AppException ? error : toAppException(error)).status;
  recorder.recordAction({
    door: 'graphql',
    action: `mutation ${info.fieldName}`,
    arguments: gql.getArgs(),
    outcome: outcomeOf(status),
    correlationId: context.correlationId,
    clientAddress: context.clientAddress,
    identity: context.identity,
    method: 'POST',
    path: '/graphql',
  });
}

/** Whether this GraphQL field is a mutation (the fields audited; queries and relations are reads). */
export function isMutation(ctx: ExecutionContext): boolean {
  return GqlExecutionContext.create(ctx).getInfo<{ parentType?: { name: string } }>()?.parentType?.name === 'Mutation';
}

/**
 * Audits every mutation after it ran, whatever its outcome (validation and service errors included). A refusal
 * by the guard never reaches an interceptor: the guard records those itself (auth/auth.guard.ts).
 */
@Injectable()
export class GraphqlAuditInterceptor implements NestInterceptor {
  constructor(private readonly recorder: AuditRecorder) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      tap({
        next: () => recordMutation(this.recorder, ctx),
        error: (e: unknown) => recordMutation(this.recorder, ctx, e),
      }),
    );
  }
}
