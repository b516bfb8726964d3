/** A fact about a fleet command for the CQRS event bus; FleetCommandEventsHandler carries it to NATS. */
export class FleetCommandEvent<T = unknown> {
  constructor(
    /** EventSubjects.FleetCommand* */
    readonly type: string,
    readonly data: T,
    /** CloudEvents `subject`: the command id. */
    readonly subject: string,
  ) {}
}
