import { CloudEvent } from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';

export interface KeptEvent {
  sequence: number;
  subject: string;
  event: CloudEvent;
}

export interface RecentEventsQuery {
  /** NATS patterns, already checked against what the caller may read (parseSubjects). */
  patterns: string[];
  /** After this stream sequence (paging), else from `since`. */
  afterSequence?: number;
  since: Date;
  limit: number;
  /** The read ends this long after the last event (the stream follows live events once history is read). */
  quietMs?: number;
  /** And at the latest after this long. */
  maxMs?: number;
}

/**
 * The kept events of the event stream (JetStream in distributed mode, the in-process history standalone) for doors
 * that answer once rather than stream: MCP's recent_events. The read is over when `limit` events arrived or the
 * stream went quiet.
 */
@Injectable()
export class EventHistoryService {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  async recent(q: RecentEventsQuery): Promise<KeptEvent[]> {
    const events: KeptEvent[] = [];
    const quietMs = q.quietMs ?? 400;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    let quiet = setTimeout(() => finish(), quietMs * 2);
    const cap = setTimeout(() => finish(), q.maxMs ?? 4000);
    const sub = await this.bus.stream(q.patterns, q.afterSequence !== undefined ? { afterSequence: q.afterSequence } : { since: q.since }, (event, position) => {
      if (events.length >= q.limit) return;
      events.push({ sequence: position.sequence, subject: position.subject, event });
      clearTimeout(quiet);
      if (events.length >= q.limit) finish();
      else quiet = setTimeout(() => finish(), quietMs);
    });
    try {
      await done;
    } finally {
      clearTimeout(quiet);
      clearTimeout(cap);
      await sub.close();
    }
    return events.slice(0, q.limit);
  }
}
