import { CloudEvent } from '@app/contracts';
import { MessageBus, StreamPosition } from '@app/messaging';

export interface StreamedEvent {
  event: CloudEvent;
  position: StreamPosition;
}

/** Events a slow subscriber may have waiting before it is cut off (rather than buffered without bound). */
const MAX_QUEUED = 1000;

/**
 * The bus's ordered event stream (replay after a sequence, then live) as an async iterator, for GraphQL
 * subscriptions. Ends with an error when the consumer falls `MAX_QUEUED` events behind or `fail` is called.
 */
export async function eventIterator(bus: MessageBus, patterns: string[], afterSequence: number | undefined, keep: (e: StreamedEvent) => boolean = () => true): Promise<AsyncIterableIterator<StreamedEvent> & { fail(e: Error): void }> {
  const queue: StreamedEvent[] = [];
  let waiting: ((r: IteratorResult<StreamedEvent>) => void) | undefined;
  let failWaiting: ((e: Error) => void) | undefined;
  let failure: Error | undefined;
  let done = false;
  const sub = await bus.stream(patterns, { afterSequence }, (event, position) => {
    const item = { event, position };
    if (done || !keep(item)) return;
    if (waiting) {
      const w = waiting;
      waiting = failWaiting = undefined;
      w({ value: item, done: false });
    } else if (queue.push(item) > MAX_QUEUED) it.fail(new Error('The subscriber reads slower than events arrive'));
  });
  const finish = async (): Promise<IteratorResult<StreamedEvent>> => {
    done = true;
    queue.length = 0;
    waiting?.({ value: undefined, done: true });
    waiting = failWaiting = undefined;
    await sub.close().catch(() => undefined);
    return { value: undefined, done: true };
  };
  const it = {
    [Symbol.asyncIterator]() {
      return it;
    },
    next(): Promise<IteratorResult<StreamedEvent>> {
      if (failure) return Promise.reject(failure);
      if (queue.length) return Promise.resolve({ value: queue.shift()!, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise<IteratorResult<StreamedEvent>>((resolve, reject) => {
        waiting = resolve;
        failWaiting = reject;
      });
    },
    return: finish,
    throw: async (e: unknown) => {
      await finish();
      throw e;
    },
    fail(e: Error) {
      if (done) return;
      failure = e;
      const f = failWaiting;
      waiting = failWaiting = undefined;
      f?.(e);
      void finish();
    },
  };
  return it;
}
