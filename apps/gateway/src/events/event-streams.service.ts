import { allows, Identity, identityKey, Permission } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppException, EVENT_STREAM } from '@app/contracts';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';

/** Which permission reads the events of each domain (all of them viewer today; a new domain names its own). */
const DOMAIN_PERMISSIONS: Record<string, Permission> = { integration: 'EventsRead', fleet: 'EventsRead', health: 'EventsRead' };
const DOMAINS = EVENT_STREAM.subjects.map((s) => s.split('.')[0]);
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_PATTERNS = 10;

/**
 * Parses `subjects=` into NATS patterns the caller may read: each starts with a domain of the event stream
 * (integration, fleet, health) and uses `*` / a final `>` only as whole tokens. None given: every domain the
 * caller may read.
 */
export function parseSubjects(raw: string | string[] | undefined, identity: Identity): string[] {
  const given = (Array.isArray(raw) ? raw.join(',') : (raw ?? '')).split(',').map((s) => s.trim()).filter(Boolean);
  const readable = DOMAINS.filter((d) => allows(identity.role, DOMAIN_PERMISSIONS[d] ?? 'UsersManage'));
  if (!given.length) return readable.map((d) => `${d}.>`);
  if (given.length > MAX_PATTERNS) throw new AppException('VALIDATION_FAILED', `At most ${MAX_PATTERNS} subject patterns`, { errors: [{ field: 'subjects', message: `at most ${MAX_PATTERNS} patterns` }] });
  for (const p of given) {
    const tokens = p.split('.');
    const wellFormed = p.length <= 256 && tokens.every((t, i) => TOKEN.test(t) || t === '*' || (t === '>' && i === tokens.length - 1));
    if (!wellFormed || !DOMAINS.includes(tokens[0])) {
      throw new AppException('VALIDATION_FAILED', `subjects: "${p.slice(0, 80)}" is not a pattern under ${DOMAINS.map((d) => `${d}.`).join(', ')}`, {
        errors: [{ field: 'subjects', message: `each pattern must start with one of ${DOMAINS.join(', ')} and use * or a final > as whole tokens` }],
      });
    }
    if (!readable.includes(tokens[0])) throw new AppException('FORBIDDEN', `Your role may not read ${tokens[0]} events`);
  }
  return [...new Set(given)];
}

/** An open stream (an SSE response, an event WebSocket): ended at shutdown. */
export interface EndableStream {
  end(): void;
}

/** Open event streams (SSE and WebSocket together): bounded per identity, and ended when the gateway shuts down. */
@Injectable()
export class EventStreams implements OnModuleDestroy {
  private readonly open = new Map<string, Set<EndableStream>>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Registers a stream of `identity`; returns its release function. */
  acquire(identity: Identity, res: EndableStream): () => void {
    const key = identityKey(identity);
    const mine = this.open.get(key) ?? new Set<EndableStream>();
    if (mine.size >= this.config.auth.max_event_streams_per_identity) {
      throw new AppException('EVENT_STREAM_LIMIT', `At most ${this.config.auth.max_event_streams_per_identity} open event streams per identity`, { retryAfterSeconds: 5 });
    }
    mine.add(res);
    this.open.set(key, mine);
    return () => {
      mine.delete(res);
      if (!mine.size) this.open.delete(key);
    };
  }

  get count(): number {
    let n = 0;
    for (const s of this.open.values()) n += s.size;
    return n;
  }

  /** Before the HTTP server closes: end every stream so that shutdown does not wait on them. */
  onModuleDestroy(): void {
    for (const set of this.open.values()) for (const res of set) res.end();
  }
}
