import { Identity } from '@app/auth';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AuditRecord, AuditRepository } from './audit.repository';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface AuditedRequest {
  method: string;
  url: string;
  route?: string;
  status: number;
  correlationId: string;
  clientAddress: string;
  identity?: Identity;
}

/**
 * Records every mutating request after its response: who (identity and role), what (method, path, route),
 * the result (status), when, the correlation id and the client address. Never bodies, query strings or headers,
 * so no secret reaches the log. Rows are batched off the request path and flushed on shutdown.
 */
@Injectable()
export class AuditRecorder implements OnModuleDestroy {
  private readonly logger = new Logger('Audit');
  private pending: AuditRecord[] = [];
  private flushing?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(private readonly repo: AuditRepository) {}

  static audits(method: string): boolean {
    return MUTATING.has(method.toUpperCase());
  }

  record(r: AuditedRequest): void {
    if (!AuditRecorder.audits(r.method)) return;
    this.pending.push({
      at: new Date(),
      actor_kind: r.identity?.kind ?? 'anonymous',
      actor_id: r.identity?.id?.slice(0, 128) ?? null,
      actor_name: r.identity?.name?.slice(0, 128) ?? null,
      role: r.identity?.role ?? null,
      method: r.method.toUpperCase().slice(0, 8),
      path: r.url.split('?')[0].slice(0, 512),
      route: r.route?.slice(0, 512) ?? null,
      status: r.status,
      correlation_id: r.correlationId.slice(0, 128),
      client_address: r.clientAddress.slice(0, 64),
    });
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
