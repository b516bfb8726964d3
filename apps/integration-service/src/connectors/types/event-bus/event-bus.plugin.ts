import { AuthType, Direction, FieldError, IntegrationType } from '@app/contracts';
import { ConnectorPlugin } from '../../connector.port';
import { EventBridgeConnector, validateEventBridgeConnection } from './eventbridge.connector';
import { NatsConnector, validateNatsConnection } from './nats.connector';
import { EVENT_BUS_FIELDS } from '../../connection-fields';

/** EVENT_BUS: one type, two providers chosen by `connection.provider`. */
const PROVIDERS = ['nats', 'eventbridge'] as const;

function validateEventBusConnection(c: Record<string, unknown>, direction?: Direction): FieldError[] {
  if (c.provider === 'nats') return validateNatsConnection(c, direction);
  if (c.provider === 'eventbridge') return validateEventBridgeConnection(c, direction);
  return [{ field: 'provider', message: `must be one of ${PROVIDERS.join(', ')}` }];
}

export const eventBusPlugin: ConnectorPlugin = {
  type: IntegrationType.EVENT_BUS,
  directions: [Direction.OUTBOUND, Direction.INBOUND, Direction.BIDIRECTIONAL],
  // NATS: NONE, BASIC (user/password), BEARER_TOKEN (token), or credentials in the connection; EventBridge: NONE (default chain) or AWS_SIG_V4.
  authTypes: [AuthType.NONE, AuthType.BASIC, AuthType.BEARER_TOKEN, AuthType.AWS_SIG_V4],
  // NATS: a queue group (default aws-mcp-<integration id>) or a shared JetStream durable splits messages among replicas.
  inboundConcurrency: 'all-replicas',
  description: 'Event buses: NATS (publish with Nats-Msg-Id, optional JetStream; subscribe with a queue group) or Amazon EventBridge (PutEvents, outbound).',
  connectionFields: EVENT_BUS_FIELDS,
  validateConnection: validateEventBusConnection,
  create: (context) => (context.connection.provider === 'eventbridge' ? new EventBridgeConnector(context) : new NatsConnector(context)),
};
