import { AuthType, IntegrationType } from '@app/contracts';
import { ApiKeyAuthProvider, AwsSigV4AuthProvider, BasicAuthProvider, BearerTokenAuthProvider, CertificateAuthProvider, CustomAuthProvider, NoneAuthProvider, OAuth1AuthProvider, OAuth2AuthProvider } from './auth';
import { ConnectorRegistry } from './connector.registry';
import { CustomDispatcherPlugin } from './custom/custom-dispatcher.plugin';
import { postgresPlugin } from './types/database/postgres.connector';
import { eventBusPlugin } from './types/event-bus/event-bus.plugin';
import { filePlugin } from './types/file/file.connector';
import { GraphqlPlugin } from './types/graphql/graphql.plugin';
import { grpcPlugin } from './types/grpc/grpc.connector';
import { sqsPlugin } from './types/message-queue/sqs.connector';
import { RestApiPlugin } from './types/rest-api/rest-api.plugin';
import { WebhookPlugin } from './types/webhook/webhook.plugin';

/** Every auth type of the contracts, one provider each. */
export function registerBuiltInAuthProviders(registry: ConnectorRegistry): ConnectorRegistry {
  registry
    .registerAuthProvider(AuthType.NONE, new NoneAuthProvider())
    .registerAuthProvider(AuthType.API_KEY, new ApiKeyAuthProvider())
    .registerAuthProvider(AuthType.BASIC, new BasicAuthProvider())
    .registerAuthProvider(AuthType.BEARER_TOKEN, new BearerTokenAuthProvider())
    .registerAuthProvider(AuthType.OAUTH2, new OAuth2AuthProvider())
    .registerAuthProvider(AuthType.OAUTH1, new OAuth1AuthProvider())
    .registerAuthProvider(AuthType.AWS_SIG_V4, new AwsSigV4AuthProvider())
    .registerAuthProvider(AuthType.CERTIFICATE, new CertificateAuthProvider())
    .registerAuthProvider(AuthType.CUSTOM, new CustomAuthProvider());
  return registry;
}

/**
 * The integration types this service ships with. Add a type here, one line each.
 * Auth providers must be registered first: HTTP-family plugins look them up through the registry.
 */
export function registerBuiltInPlugins(registry: ConnectorRegistry): ConnectorRegistry {
  // --- HTTP family (connectors/types/{webhook,rest-api,graphql}) ---
  registry.registerPluginType(IntegrationType.WEBHOOK, new WebhookPlugin(registry));
  registry.registerPluginType(IntegrationType.REST_API, new RestApiPlugin(registry));
  registry.registerPluginType(IntegrationType.GRAPHQL, new GraphqlPlugin(registry));

  // --- non-HTTP types (connectors/types/{grpc,event-bus,message-queue,database,file}) ---
  registry.registerPluginType(IntegrationType.GRPC, grpcPlugin);
  registry.registerPluginType(IntegrationType.EVENT_BUS, eventBusPlugin);
  registry.registerPluginType(IntegrationType.MESSAGE_QUEUE, sqsPlugin);
  registry.registerPluginType(IntegrationType.DATABASE, postgresPlugin);
  registry.registerPluginType(IntegrationType.FILE, filePlugin);

  // --- CUSTOM: a dispatcher; plugins from integrations.plugins add themselves (connection.plugin picks one) ---
  registry.registerPluginType(IntegrationType.CUSTOM, new CustomDispatcherPlugin());

  return registry;
}

/** A registry with every built-in auth provider and plugin. */
export function createBuiltInRegistry(): ConnectorRegistry {
  return registerBuiltInPlugins(registerBuiltInAuthProviders(new ConnectorRegistry()));
}
