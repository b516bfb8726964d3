/**
 * Every NATS subject of the system, defined once.
 *
 * - Requests (commands and queries, request/reply, a queue group per service) live under `rpc.` so that
 *   they never fall into the event stream; each is declared once, with its contract, in `rpc-contracts.ts`.
 * - Events (facts, past tense, `<domain>.<entity>.<verb>`) are carried by the JetStream stream EVENT_STREAM.
 */
export const ServiceName = {
  Gateway: 'gateway',
  FleetService: 'fleet-service',
  IntegrationService: 'integration-service',
  HealthMonitor: 'health-monitor',
} as const;
export type ServiceName = (typeof ServiceName)[keyof typeof ServiceName];

export const EventSubjects = {
  IntegrationCreated: 'integration.created',
  IntegrationUpdated: 'integration.updated',
  IntegrationDeleted: 'integration.deleted',
  IntegrationStatusChanged: 'integration.status.changed',
  IntegrationDeliveryFailed: 'integration.delivery.failed',
  IntegrationCircuitChanged: 'integration.circuit.changed',
  HealthCheckCompleted: 'health.check.completed',
  HealthStatusChanged: 'health.status.changed',
  FleetResourceDiscovered: 'fleet.resource.discovered',
  FleetResourceChanged: 'fleet.resource.changed',
  FleetResourceRemoved: 'fleet.resource.removed',
  FleetAccountCreated: 'fleet.account.created',
  FleetAccountUpdated: 'fleet.account.updated',
  FleetAccountDeleted: 'fleet.account.deleted',
  FleetAccountStatusChanged: 'fleet.account.status.changed',
  FleetSyncCompleted: 'fleet.sync.completed',
  FleetCommandStarted: 'fleet.command.started',
  FleetCommandTargetCompleted: 'fleet.command.target.completed',
  FleetCommandCompleted: 'fleet.command.completed',
} as const;
export type EventSubject = (typeof EventSubjects)[keyof typeof EventSubjects];

/** The JetStream stream that carries every domain event. */
export const EVENT_STREAM = {
  name: 'MCP_EVENTS',
  subjects: ['integration.>', 'fleet.>', 'health.>'],
} as const;
