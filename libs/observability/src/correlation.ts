import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What follows a request through every hop: HTTP → NATS → handler → events, and into every log line. */
export interface RequestContext {
  correlationId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const CORRELATION_HEADER = 'x-correlation-id';

/** Accepts a caller's id only if it is a sane token; otherwise a new one is made (ids end up in logs). */
export function normaliseCorrelationId(value: unknown): string {
  return typeof value === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : randomUUID();
}

export function runWithCorrelation<T>(correlationId: string, fn: () => T): T {
  return storage.run({ correlationId }, fn);
}

/**
 * Runs work that no request started (a scheduled sync, a health round, a relay batch, a poller's round) under a
 * correlation id of its own, made now: what it logs and the events it causes share that id.
 */
export function runAsNewWork<T>(fn: () => T): T {
  return storage.run({ correlationId: randomUUID() }, fn);
}

/** Runs an event's consumer in the correlation of the event (its `correlationid`), or a new one when it has none. */
export function runForEvent<T>(correlationId: unknown, fn: () => T): T {
  return storage.run({ correlationId: normaliseCorrelationId(correlationId) }, fn);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}
