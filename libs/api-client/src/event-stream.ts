import { createParser } from 'eventsource-parser';
import { ApiConnectionError, ApiError } from './api-error';
import { type ApiClientOptions, authenticatedFetch } from './client';

/** A domain event as the gateway relays it (CloudEvents 1.0, JSON). */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  datacontenttype?: string;
  /** The correlation id of the request that caused the event. */
  correlationid?: string;
  data: T;
}

/** One SSE message of `GET /api/v1/events/stream`: `id` is the stream sequence to resume after. */
export interface StreamedEvent {
  id?: string;
  event?: string;
  data: CloudEvent;
}

export interface EventStreamOptions {
  /** NATS patterns, e.g. `['fleet.resource.*', 'health.>']`; none: every domain the caller may read. */
  subjects?: string[];
  /** Resume after this sequence (the `id` of the last event seen). */
  lastEventId?: string;
  signal?: AbortSignal;
  onEvent(event: StreamedEvent): void;
  /** The stream is open (first time and after each reconnection). */
  onOpen?(): void;
  /**
   * The connection dropped after it had been open; it is opened again after `delayMs`, resuming after the last
   * event. Return false to stop instead.
   */
  onDisconnect?(error: unknown, delayMs: number): boolean | void;
}

/**
 * Reads the live event stream with fetch (EventSource cannot send credentials in headers, and tokens in URLs
 * end up in logs) until `signal` aborts. A refusal (4xx) or a first connection that fails rejects; a stream that
 * drops after it was open reconnects with `Last-Event-ID`, so no event is lost while the gateway keeps it.
 */
export async function streamEvents(client: ApiClientOptions, opts: EventStreamOptions): Promise<void> {
  const send = authenticatedFetch(client);
  const query = opts.subjects?.length ? `?subjects=${encodeURIComponent(opts.subjects.join(','))}` : '';
  const url = `${client.baseUrl.replace(/\/+$/, '')}/api/v1/events/stream${query}`;
  let lastEventId = opts.lastEventId;
  let retryMs = 3000;
  let opened = false;
  while (!opts.signal?.aborted) {
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (lastEventId) headers['last-event-id'] = lastEventId;
      const response = await send(new Request(url, { headers, signal: opts.signal }));
      if (!response.ok || !response.body) {
        const text = await response.text().catch(() => '');
        throw ApiError.fromResponse(response, parseJson(text));
      }
      opened = true;
      opts.onOpen?.();
      const parser = createParser({
        onEvent: (m) => {
          if (m.id) lastEventId = m.id;
          const data = parseJson(m.data);
          if (data && typeof data === 'object') opts.onEvent({ id: m.id, event: m.event, data: data as CloudEvent });
        },
        onRetry: (ms) => (retryMs = ms),
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(value);
      }
      throw new Error('the gateway closed the event stream');
    } catch (e) {
      if (opts.signal?.aborted) return;
      // A refusal is final; so is a gateway that was never reachable (nothing to resume).
      if (e instanceof ApiError && e.status < 500 && e.status !== 429) throw e;
      if (!opened && (e instanceof ApiConnectionError || e instanceof ApiError)) throw e;
      if (opts.onDisconnect?.(e, retryMs) === false) throw e;
      await sleep(retryMs, opts.signal);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
