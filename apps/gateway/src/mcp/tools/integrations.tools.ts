import { DeliveryStatus, Direction, HEALTH_CHECK_OUTCOMES, HealthHistoryQuery, IntegrationStatus, IntegrationType, ListDeliveriesQuery, ListIntegrationsQuery, ReplayBody, TestIntegrationBody, validateInto } from '@app/contracts';
import { z } from 'zod';
import { bounded, fitPage } from '../mcp-output';
import { cursorArg, defineTool, READ_ONLY } from '../mcp-tool';

const id = z.string().uuid().describe('The integration id');
const values = <T extends string>(e: Record<string, T>) => Object.values(e) as [T, ...T[]];

const IntegrationSchema = z.looseObject({ id: z.string(), name: z.string(), type: z.string(), direction: z.string(), status: z.string(), status_reason: z.string().nullable(), created_at: z.string(), updated_at: z.string() });
const DeliverySchema = z.looseObject({ id: z.string(), integration_id: z.string(), event_type: z.string(), status: z.string(), attempts: z.number().int(), last_error: z.string().nullable(), created_at: z.string() });
const CheckSchema = z.looseObject({ outcome: z.string() });

const listIntegrations = defineTool({
  name: 'list_integrations',
  title: 'List integrations',
  description:
    'Lists the integrations that connect the fleet to other systems (webhooks, REST, GraphQL, gRPC, event buses, message queues, databases, files, custom plugins), inbound, outbound or both: name, type, direction, lifecycle status (CONFIGURING, ACTIVE, ERROR, DISABLED, DEPRECATED) with the reason of the last failure, and their configuration with every secret masked. Filter by type, status, direction or enabled; page with cursor.',
  permission: 'IntegrationsRead',
  input: z.object({
    type: z.enum(values(IntegrationType)).optional(),
    status: z.enum(values(IntegrationStatus)).optional(),
    direction: z.enum(values(Direction)).optional(),
    enabled: z.boolean().optional(),
    limit: z.number().int().min(1).max(500).optional().describe('Integrations per page (default 50)'),
    cursor: cursorArg,
  }),
  output: z.object({ items: z.array(IntegrationSchema), limit: z.number().int(), total: z.number().int(), next_cursor: z.string().nullable() }),
  annotations: READ_ONLY,
  async run(args, { services, maxChars }) {
    const query = validateInto(ListIntegrationsQuery, args, 'arguments');
    return { result: await fitPage((limit) => services.integrations.list({ ...query, limit }), query.limit ?? 50, maxChars) };
  },
});

const getIntegration = defineTool({
  name: 'get_integration',
  title: 'Get an integration',
  description: 'One integration: its type, direction, connection settings (secrets masked), auth, retry and rate-limit policy, health-check settings, lifecycle status and the reason of its last failure.',
  permission: 'IntegrationsRead',
  input: z.object({ id }),
  output: IntegrationSchema,
  annotations: READ_ONLY,
  async run({ id }, { services, maxChars }) {
    return { result: bounded(await services.integrations.get(id), maxChars, 'the integration is too large to show') };
  },
});

export const testIntegration = defineTool({
  name: 'test_integration',
  title: 'Test an integration\'s connection',
  description:
    'Connects to the integration\'s endpoint now (initialize and its health check, optionally sending a test event) and answers whether it is healthy, the latency and the error. A success makes the integration ACTIVE, a failure puts it in ERROR with the reason. Use it after fixing a configuration or to confirm an outage.',
  permission: 'IntegrationsWrite',
  input: z.object({ id, send_test_event: z.boolean().optional().describe('Also deliver a test event (outbound integrations)') }),
  output: z.looseObject({ id: z.string(), status: z.string(), healthy: z.boolean(), latency_ms: z.number(), error: z.string().nullable(), test_event_sent: z.boolean().nullable() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async run({ id, ...body }, { services }) {
    return { result: await services.integrations.test(id, validateInto(TestIntegrationBody, body, 'arguments')) };
  },
});

const getIntegrationHealth = defineTool({
  name: 'get_integration_health',
  title: 'Integration health',
  description:
    'The background health of one integration as the health monitor sees it: status (HEALTHY, DEGRADED, UNHEALTHY, UNKNOWN), whether it is monitored and how often, consecutive failures and successes against their thresholds, the last error, uptime over the last 24 hours, the latest checks, and (history: true) a page of older checks newest first. The first thing to read when triaging an integration.',
  permission: 'IntegrationsRead',
  input: z.object({
    id,
    history: z.boolean().default(false).describe('Also a page of the check history'),
    outcome: z.enum(HEALTH_CHECK_OUTCOMES).optional().describe('History: only checks with this outcome'),
    limit: z.number().int().min(1).max(500).optional().describe('History: checks per page (default 50)'),
    cursor: cursorArg,
  }),
  output: z.object({ health: z.looseObject({ integration_id: z.string(), status: z.string(), latest_checks: z.array(CheckSchema) }), history: z.object({ items: z.array(CheckSchema), limit: z.number().int(), next_cursor: z.string().nullable() }).optional() }),
  annotations: READ_ONLY,
  async run({ id, history, ...rest }, { services, maxChars }) {
    const health = bounded(await services.health.get(id), maxChars, 'the health record is too large');
    if (!history) return { result: { health } };
    const query = validateInto(HealthHistoryQuery, rest, 'arguments');
    const room = Math.max(1000, maxChars - JSON.stringify(health).length - 100);
    return { result: { health, history: await fitPage((limit) => services.health.history(id, { ...query, limit }), query.limit ?? 50, room) } };
  },
});

const listDeliveries = defineTool({
  name: 'list_deliveries',
  title: 'List an integration\'s deliveries',
  description:
    'The outbound deliveries of one integration, newest first: which event, status (PENDING, DELIVERED, RETRYING, DEAD_LETTERED, …), attempts, the last error and HTTP status, and when the next attempt is due. Filter by status (DEAD_LETTERED shows what gave up) and page with cursor.',
  permission: 'IntegrationsRead',
  input: z.object({ id, status: z.enum(values(DeliveryStatus)).optional(), limit: z.number().int().min(1).max(200).optional().describe('Deliveries per page (default 50)'), cursor: cursorArg }),
  output: z.object({ items: z.array(DeliverySchema), limit: z.number().int(), next_cursor: z.string().nullable() }),
  annotations: READ_ONLY,
  async run({ id, ...rest }, { services, maxChars }) {
    const query = validateInto(ListDeliveriesQuery, rest, 'arguments');
    return { result: await fitPage((limit) => services.deliveries.list(id, { ...query, limit }), query.limit ?? 50, maxChars) };
  },
});

const replayDeadLetters = defineTool({
  name: 'replay_dead_letters',
  title: 'Replay deliveries',
  description:
    'Sends an integration\'s deliveries again: every delivery recorded at or after `since` (dead-lettered ones included) starts a new round of attempts with the same delivery ids, so receivers that de-duplicate see each event once. With delivery_id, only that delivery is retried. Use it once the receiver works again (test_integration tells).',
  permission: 'IntegrationsWrite',
  input: z.object({ id, since: z.string().max(64).optional().describe('ISO 8601 time: replay deliveries recorded at or after it'), delivery_id: z.string().uuid().optional().describe('Retry only this delivery') }),
  output: z.looseObject({ replayed: z.number().int().optional(), delivery: DeliverySchema.optional() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async run({ id, since, delivery_id }, { services }) {
    if (delivery_id) return { result: { delivery: await services.deliveries.retry(id, delivery_id) } };
    return { result: await services.deliveries.replay(id, validateInto(ReplayBody, { since }, 'arguments')) };
  },
});

export const INTEGRATION_TOOLS = [listIntegrations, getIntegration, testIntegration, getIntegrationHealth, listDeliveries, replayDeadLetters];
