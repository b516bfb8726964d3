import { randomUUID } from 'node:crypto';

/** A CloudEvents 1.0 envelope (structured JSON mode), as every event on NATS is carried. */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  datacontenttype: 'application/json';
  /** Extension attribute: the correlation id of the request that caused this event. */
  correlationid?: string;
  data: T;
}

export function createCloudEvent<T>(args: {
  type: string;
  source: string;
  data: T;
  subject?: string;
  correlationId?: string;
  id?: string;
  time?: Date;
}): CloudEvent<T> {
  return {
    specversion: '1.0',
    id: args.id ?? randomUUID(),
    source: args.source,
    type: args.type,
    time: (args.time ?? new Date()).toISOString(),
    ...(args.subject ? { subject: args.subject } : {}),
    datacontenttype: 'application/json',
    ...(args.correlationId ? { correlationid: args.correlationId } : {}),
    data: args.data,
  };
}

export function isCloudEvent(value: unknown): value is CloudEvent {
  const v = value as CloudEvent;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.specversion === '1.0' &&
    typeof v.id === 'string' &&
    typeof v.type === 'string' &&
    typeof v.source === 'string'
  );
}
