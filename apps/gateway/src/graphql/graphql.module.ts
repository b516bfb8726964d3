import { AppConfig } from '@app/config';
import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import { DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import { AccountsService } from '../accounts/accounts.service';
import { Authenticator } from '../auth/authenticator';
import { clientAddress } from '../auth/current-identity';
import { RequestLimits } from '../auth/request-limits';
import { CapabilitiesModule } from '../capabilities.module';
import { IntegrationHealthService } from '../health/integration-health.service';
import { AuditResolver } from './audit.resolver';
import { AccountsResolver, CommandsResolver, ResourcesResolver } from './fleet.resolver';
import { authenticateHeaders, GraphqlContext, requestContext } from './graphql-context';
import { graphqlErrorResponse, subscriptionError } from './graphql-errors';
import { assertComplexity, assertSubscription, depthLimitRule } from './graphql-limits';
import { IntegrationsResolver } from './integrations.resolver';
import { Loaders } from './loaders';
import { MutationsResolver } from './mutations.resolver';
import { SubscriptionContext, SubscriptionsResolver } from './subscriptions.resolver';
import { credentialsOf } from '../events/credential-watch';
import { GraphqlAuditInterceptor } from './graphql-audit';

const RESOLVERS = [IntegrationsResolver, ResourcesResolver, AccountsResolver, CommandsResolver, AuditResolver, MutationsResolver, SubscriptionsResolver];

/**
 * `/graphql` (Mercurius, code-first): one more door over the edge services, with the REST door's authentication,
 * rate limit, permissions (the global AuthGuard, also on relation fields) and error codes.
 */
@Module({})
export class GraphqlModule {
  /** `auth` is the gateway's AuthModule instance (its Authenticator, limits and audit). */
  static forRoot(auth: DynamicModule, config: AppConfig): DynamicModule {
    const g = config.graphql;
    const limits = { maxDepth: g.max_depth, maxComplexity: g.max_complexity, maxPageSize: g.max_page_size };
    const validationRules = [depthLimitRule(limits.maxDepth), ...(g.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
    return {
      module: GraphqlModule,
      imports: [
        auth,
        CapabilitiesModule,
        GraphQLModule.forRootAsync<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          imports: [auth, CapabilitiesModule],
          inject: [Authenticator, RequestLimits, AccountsService, IntegrationHealthService],
          useFactory: (authenticator: Authenticator, requestLimits: RequestLimits, accounts: AccountsService, health: IntegrationHealthService): MercuriusDriverConfig => ({
            path: '/graphql',
            autoSchemaFile: true,
            sortSchema: true,
            graphiql: g.graphiql,
            // Relation fields declare their permission like queries do, and the guard checks it.
            fieldResolverEnhancers: ['guards'],
            allowBatchedQueries: false,
            // graphql-jit compiles a document on its second run (Mercurius' cache keeps it): no per-field info/args objects.
            jit: 1,
            validationRules,
            hooks: {
              preExecution: (schema, document, _ctx, variables) => assertComplexity(schema, document, variables, limits),
              preSubscriptionExecution: (schema, document) => {
                try {
                  assertSubscription(schema, document, validationRules, limits);
                } catch (e) {
                  throw subscriptionError(e);
                }
              },
            },
            errorFormatter: (execution) => graphqlErrorResponse(execution),
            // graphql-ws: the credential travels in connection_init ({ authorization } or { "x-api-key" }); none or a bad one closes the connection.
            subscription: {
              keepAlive: 15_000,
              context: (socket, req): Partial<SubscriptionContext> => ({
                loaders: new Loaders(accounts, health),
                correlationId: String(req.id),
                clientAddress: clientAddress(req),
                closeConnection: (code, reason) => socket.close(code, reason),
              }),
              onConnect: async ({ payload }: { payload: unknown }) => {
                const credentials = credentialsOf(payload);
                const { identity } = await authenticateHeaders(authenticator, requestLimits, credentials);
                return identity ? { identity, credentials } : false;
              },
            },
            context: (req: FastifyRequest): Promise<GraphqlContext> => requestContext(authenticator, requestLimits, new Loaders(accounts, health), req),
          }),
        }),
      ],
      providers: [...RESOLVERS, GraphqlAuditInterceptor],
    };
  }
}
