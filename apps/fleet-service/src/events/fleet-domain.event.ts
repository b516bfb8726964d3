/** A fact of fleet-service for the CQRS event bus; FleetEventsHandler carries it to NATS as a CloudEvent. */
export class FleetDomainEvent<T = unknown> {
  constructor(
    /** EventSubjects value, e.g. fleet.account.created. */
    readonly type: string,
    readonly data: T,
    /** CloudEvents `subject`: the entity the event is about (account id, sync id). */
    readonly subject: string,
  ) {}
}
