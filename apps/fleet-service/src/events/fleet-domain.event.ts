import { OutboxEvent } from '@app/persistence';

/**
 * A fact of fleet-service (account, resource, sync run, command), written to the outbox with the change it
 * reports; payloads never carry external ids, output or credentials.
 */
export function fleetEvent<T>(
  /** EventSubjects value, e.g. fleet.account.created. */
  type: string,
  data: T,
  /** CloudEvents `subject`: the entity the event is about (account id, ARN, sync or command id). */
  subject: string,
): OutboxEvent<T> {
  return { type, data, subject };
}
