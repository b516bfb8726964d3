/**
 * Every NATS subject of the system, defined once.
 *
 * - Requests (commands and queries, request/reply, a queue group per service) live under `rpc.` so that
 *   they never fall into the event stream.
 * - Events (facts, past tense, `<domain>.<entity>.<verb>`) are carried by the JetStream stream EVENT_STREAM.
 */
export const ServiceName = {
  Gateway: 'gateway',
  FleetService: 'fleet-service',
  IntegrationService: 'integration-service',
  HealthMonitor: 'health-monitor',
} as const;
export type ServiceName = (typeof ServiceName)[keyof typeof ServiceName];

export const RpcSubjects = {
  IntegrationCreate: 'rpc.integration.create',
  IntegrationUpdate: 'rpc.integration.update',
  IntegrationDelete: 'rpc.integration.delete',
  IntegrationGet: 'rpc.integration.get',
  IntegrationList: 'rpc.integration.list',
  /** integration-service runs one integration's health check (endpoint with auth applied, or the connector's). */
  IntegrationProbe: 'rpc.integration.probe',
  /** Every instance answers (no queue group): who is running, and is it ready. */
  SystemPing: 'rpc.system.ping',
} as const;
export type RpcSubject = (typeof RpcSubjects)[keyof typeof RpcSubjects];

export const EventSubjects = {
  IntegrationCreated: 'integration.created',
  IntegrationUpdated: 'integration.updated',
  IntegrationDeleted: 'integration.deleted',
  IntegrationStatusChanged: 'integration.status.changed',
  HealthCheckCompleted: 'health.check.completed',
  HealthStatusChanged: 'health.status.changed',
} as const;
export type EventSubject = (typeof EventSubjects)[keyof typeof EventSubjects];

/** The JetStream stream that carries every domain event. */
export const EVENT_STREAM = {
  name: 'MCP_EVENTS',
  subjects: ['integration.>', 'fleet.>', 'health.>'],
} as const;
