import { type StreamedEvent, streamEvents } from '@app/api-client';
import { useEffect, useEffectEvent, useState } from 'react';
import { clientOptions } from './client';

export type StreamStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * Follows the gateway's live event stream (SSE over fetch, with the session's credentials; it resumes after the
 * last event on reconnect) while the component is mounted. `onEvent` may change between renders.
 */
export function useEventStream(subjects: string[] | undefined, onEvent: (e: StreamedEvent) => void): { status: StreamStatus; error?: unknown } {
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const [error, setError] = useState<unknown>();
  const handle = useEffectEvent(onEvent);
  const key = subjects?.join(',') ?? '';
  useEffect(() => {
    const abort = new AbortController();
    streamEvents(clientOptions, {
      subjects: key ? key.split(',') : undefined,
      signal: abort.signal,
      onEvent: (e) => handle(e),
      onOpen: () => {
        setStatus('open');
        setError(undefined);
      },
      onDisconnect: (e) => {
        setStatus('reconnecting');
        setError(e);
      },
    })
      .then(() => !abort.signal.aborted && setStatus('closed'))
      .catch((e) => {
        if (abort.signal.aborted) return;
        setStatus('closed');
        setError(e);
      });
    return () => abort.abort();
  }, [key]);
  return { status, error };
}

/** The last `max` events, newest first. */
export function useEventFeed(subjects: string[] | undefined, max = 50) {
  const [events, setEvents] = useState<StreamedEvent[]>([]);
  const stream = useEventStream(subjects, (e) => setEvents((list) => [e, ...list].slice(0, max)));
  return { events, ...stream };
}
