import { Identity } from '@app/auth';
import { redactSecrets } from '@app/observability';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { AuditRecord, AuditRepository } from './audit.repository';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Fastify route config key of a read that is audited like a write (`@AuditedRead()`). */
const AUDITED_READ = 'auditedRead';

/**
 * Marks a GET whose answer is a secret (a webhook's signing secret): who read it, when, with what outcome, is
 * recorded like a write, the response body never. On the Fastify route's config, so refusals (401, 403) are too.
 */
export const AuditedRead = () => RouteConfig({ [AUDITED_READ]: true });

/** Censored arguments larger than this are stored as a cut preview: the audit log is not a document store. */
const MAX_ARGUMENT_CHARS = 8192;

export interface AuditedRequest {
  method: string;
  url: string;
  route?: string;
  /** The Fastify route's config (`@AuditedRead()` marks reads to record). */
  routeConfig?: unknown;
  status: number;
  correlationId: string;
  clientAddress: string;
  identity?: Identity;
}

/** The front doors: each is a thin adapter over the same services, and each records what its callers did here. */
export type Door = 'rest' | 'mcp' | 'graphql' | 'console';

/** How an action ended, the same words for every door. */
export type DoorOutcome = 'ok' | 'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'refused' | 'cancelled' | 'unavailable' | 'error';

const OUTCOME_STATUS: Record<DoorOutcome, number> = { ok: 200, invalid: 400, unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409, refused: 422, cancelled: 499, unavailable: 503, error: 500 };

/** The outcome word for an HTTP-like status (an AppException's, a REST response's). */
export function outcomeOf(status: number): DoorOutcome {
  if (status < 400) return 'ok';
  if (status === 422 || status === 428) return 'refused';
  if (status === 400 || status === 413) return 'invalid';
  if (status === 499) return 'cancelled';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429 || status === 503 || status === 504) return 'unavailable';
  return 'error';
}

/** One action through a door other than a plain REST request: an MCP tool call, a GraphQL field. */
export interface DoorAction {
  door: Door;
  /** The tool, operation or mutation name. */
  action: string;
  /** As the caller sent them: censored (secret-named fields at any depth) and bounded before they are stored. */
  arguments?: unknown;
  outcome: DoorOutcome;
  correlationId: string;
  clientAddress: string;
  identity?: Identity;
  /** The HTTP method and path the door is served on (POST /mcp). */
  method: string;
  path: string;
}

/** `args` with every secret-named field censored, cut to a preview when large. Never throws. */
function censorArguments(args: unknown): unknown {
  if (args === undefined) return null;
  const censored = redactSecrets(args);
  let json: string;
  try {
    json = JSON.stringify(censored) ?? 'null';
  } catch {
    return { unserializable: true };
  }
  return json.length <= MAX_ARGUMENT_CHARS ? censored : { truncated: true, preview: json.slice(0, 2048) };
}

/**
 * The audit trail of every door. REST: every mutating request (and each `@AuditedRead()`) after its response: who (identity and role), what
 * (method, path, route), the result (status), when, the correlation id and the client address, never bodies,
 * query strings or headers. Other doors (recordAction): who, which door and action, the arguments with secrets
 * censored, the outcome, the correlation id. Rows are batched off the request path and flushed on shutdown.
 */
@Injectable()
export class AuditRecorder implements OnModuleDestroy {
  private readonly logger = new Logger('Audit');
  private pending: AuditRecord[] = [];
  private flushing?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(private readonly repo: AuditRepository) {}

  /** Every mutating request, and the reads marked `@AuditedRead()` (`routeConfig`: the Fastify route's config). */
  static audits(method: string, routeConfig?: unknown): boolean {
    return MUTATING.has(method.toUpperCase()) || (routeConfig as Record<string, unknown> | undefined)?.[AUDITED_READ] === true;
  }

  record(r: AuditedRequest): void {
    if (!AuditRecorder.audits(r.method, r.routeConfig)) return;
    const method = r.method.toUpperCase().slice(0, 8);
    this.push({
      ...this.who(r.identity),
      method,
      path: r.url.split('?')[0].slice(0, 512),
      route: r.route?.slice(0, 512) ?? null,
      status: r.status,
      correlation_id: r.correlationId.slice(0, 128),
      client_address: r.clientAddress.slice(0, 64),
      door: 'rest',
      action: `${method} ${r.route ?? r.url.split('?')[0]}`.slice(0, 256),
      arguments: null,
      outcome: outcomeOf(r.status),
    });
  }

  /** One action of a door (an MCP tool call, a GraphQL operation), whatever its outcome. */
  recordAction(a: DoorAction): void {
    this.push({
      ...this.who(a.identity),
      method: a.method.toUpperCase().slice(0, 8),
      path: a.path.split('?')[0].slice(0, 512),
      route: a.path.split('?')[0].slice(0, 512),
      status: OUTCOME_STATUS[a.outcome],
      correlation_id: a.correlationId.slice(0, 128),
      client_address: a.clientAddress.slice(0, 64),
      door: a.door,
      action: a.action.slice(0, 256),
      arguments: censorArguments(a.arguments),
      outcome: a.outcome,
    });
  }

  private who(identity: Identity | undefined): Pick<AuditRecord, 'at' | 'actor_kind' | 'actor_id' | 'actor_name' | 'role'> {
    return {
      at: new Date(),
      actor_kind: identity?.kind ?? 'anonymous',
      actor_id: identity?.id?.slice(0, 128) ?? null,
      actor_name: identity?.name?.slice(0, 128) ?? null,
      role: identity?.role ?? null,
    };
  }

  private push(row: AuditRecord): void {
    this.pending.push(row);
    if (this.pending.length >= 200) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), 50);
  }

  /** Writes what is pending; resolves when everything recorded so far is stored. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing) await this.flushing;
    if (!this.pending.length) return;
    const rows = this.pending.splice(0);
    this.flushing = this.repo
      .insertMany(rows)
      .catch((e: Error) => this.logger.error(`could not store ${rows.length} audit record(s): ${e.message}`))
      .finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }
}
