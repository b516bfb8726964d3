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
  IntegrationTest: 'rpc.integration.test',
  IntegrationLifecycle: 'rpc.integration.lifecycle',
  IntegrationBulk: 'rpc.integration.bulk',
  IntegrationTypes: 'rpc.integration.types',
  /** integration-service: a WEBHOOK's signing secret in clear (admins only; the reply is the only place it travels). */
  IntegrationSecretGet: 'rpc.integration.secret.get',
  /** integration-service: a new signing secret, the previous one kept for a grace period. */
  IntegrationSecretRotate: 'rpc.integration.secret.rotate',
  /** integration-service runs one integration's health check (endpoint with auth applied, or the connector's). */
  IntegrationProbe: 'rpc.integration.probe',
  /** integration-service: one integration's deliveries (with attempts), cursor-paged. */
  IntegrationDeliveriesList: 'rpc.integration.deliveries.list',
  IntegrationDeliveryRetry: 'rpc.integration.deliveries.retry',
  IntegrationReplay: 'rpc.integration.deliveries.replay',
  IntegrationCircuitGet: 'rpc.integration.circuit.get',
  /** gateway → integration-service: one `POST /api/v1/hooks/{id}` (headers + raw body base64), verified by the WEBHOOK connector. */
  IntegrationHook: 'rpc.integration.hook',
  /** integration-service: the last messages an inbound integration received and published. */
  IntegrationInboundRecent: 'rpc.integration.inbound.recent',
  /** health-monitor: one integration's health (status, counters, uptime, latest checks). */
  HealthGet: 'rpc.health.get',
  /** health-monitor: one integration's check history, newest first, cursor-paged. */
  HealthHistory: 'rpc.health.history',
  /** Every instance answers (no queue group): who is running, and is it ready. */
  SystemPing: 'rpc.system.ping',
  FleetAccountCreate: 'rpc.fleet.account.create',
  FleetAccountUpdate: 'rpc.fleet.account.update',
  FleetAccountDelete: 'rpc.fleet.account.delete',
  FleetAccountGet: 'rpc.fleet.account.get',
  FleetAccountList: 'rpc.fleet.account.list',
  FleetAccountDiscover: 'rpc.fleet.account.discover',
  FleetResourceList: 'rpc.fleet.resource.list',
  FleetResourceGet: 'rpc.fleet.resource.get',
  FleetResourceSummary: 'rpc.fleet.resource.summary',
  /** The recorded changes of resources (history), newest first. */
  FleetResourceChanges: 'rpc.fleet.resource.changes',
  FleetSyncStart: 'rpc.fleet.sync.start',
  FleetSyncGet: 'rpc.fleet.sync.get',
  /** Fleet commands (AWS CLI across accounts × regions): run (or dry-run), read, cancel. */
  FleetCommandRun: 'rpc.fleet.command.run',
  FleetCommandGet: 'rpc.fleet.command.get',
  FleetCommandList: 'rpc.fleet.command.list',
  FleetCommandResults: 'rpc.fleet.command.results',
  FleetCommandResult: 'rpc.fleet.command.result',
  FleetCommandCancel: 'rpc.fleet.command.cancel',
  FleetCommandCheck: 'rpc.fleet.command.check',
} as const;
export type RpcSubject = (typeof RpcSubjects)[keyof typeof RpcSubjects];

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
