import {
  AccountDeletedData,
  AccountEventData,
  AccountStatusChangedData,
  ResourceChangedData,
  ResourceDiscoveredData,
  ResourceRemovedData,
  SyncCompletedData,
} from '../fleet/fleet-events';
import { CommandCompletedData, CommandStartedData, CommandTargetCompletedData } from '../fleet-commands/fleet-command-events';
import { HealthCheckCompletedData, HealthStatusChangedData } from '../health/health.dto';
import { CircuitChangedData, DeliveryFailedData } from '../integrations/delivery.dto';
import { IntegrationCreatedData, IntegrationDeletedData, IntegrationUpdatedData, PublicIntegration } from '../integrations/integration-events';
import { IntegrationStatusChangedData } from '../integrations/integration-lifecycle.dto';
import { EventSubject, EventSubjects } from '../subjects';

/**
 * The `data` of every domain event, by type (the type is also its NATS subject). Consumers read `event.data` as
 * `EventPayloads[type]`; `domainEvent()` checks it where events are built. Never put secrets in events.
 * (`integration.inbound.received` is not here: it goes out on `integration.inbound.<id>`, see InboundReceivedData.)
 */
export interface EventPayloads {
  [EventSubjects.IntegrationCreated]: IntegrationCreatedData;
  [EventSubjects.IntegrationUpdated]: IntegrationUpdatedData;
  [EventSubjects.IntegrationDeleted]: IntegrationDeletedData;
  /** The change, and the integration as it now is (projections such as health-monitor's schedule follow it). */
  [EventSubjects.IntegrationStatusChanged]: IntegrationStatusChangedData & { integration: PublicIntegration };
  [EventSubjects.IntegrationDeliveryFailed]: DeliveryFailedData;
  [EventSubjects.IntegrationCircuitChanged]: CircuitChangedData;
  [EventSubjects.HealthCheckCompleted]: HealthCheckCompletedData;
  [EventSubjects.HealthStatusChanged]: HealthStatusChangedData;
  [EventSubjects.FleetResourceDiscovered]: ResourceDiscoveredData;
  [EventSubjects.FleetResourceChanged]: ResourceChangedData;
  [EventSubjects.FleetResourceRemoved]: ResourceRemovedData;
  [EventSubjects.FleetAccountCreated]: AccountEventData;
  [EventSubjects.FleetAccountUpdated]: AccountEventData;
  [EventSubjects.FleetAccountDeleted]: AccountDeletedData;
  [EventSubjects.FleetAccountStatusChanged]: AccountStatusChangedData;
  [EventSubjects.FleetSyncCompleted]: SyncCompletedData;
  [EventSubjects.FleetCommandStarted]: CommandStartedData;
  [EventSubjects.FleetCommandTargetCompleted]: CommandTargetCompletedData;
  [EventSubjects.FleetCommandCompleted]: CommandCompletedData;
}

/**
 * A domain event as a service builds it: written to its outbox with the change it reports (`emit(...)`, repository
 * methods) or published directly with `EventPublisher.publish` (best-effort notifications).
 */
export interface DomainEvent<K extends EventSubject = EventSubject> {
  type: K;
  data: EventPayloads[K];
  /** CloudEvents `subject`: the entity the event is about (integration or account id, ARN, sync or command id). */
  subject: string;
  /** Stable id (Nats-Msg-Id) where a retry must not publish twice; a new UUID when absent. */
  id?: string;
}

/** Any one domain event, its data matching its type. */
export type AnyDomainEvent = { [K in EventSubject]: DomainEvent<K> }[EventSubject];

/** The one way to build a domain event: the type decides what `data` must be. */
export function domainEvent<K extends EventSubject>(type: K, data: EventPayloads[K], subject: string, id?: string): DomainEvent<K> {
  return id === undefined ? { type, data, subject } : { type, data, subject, id };
}
