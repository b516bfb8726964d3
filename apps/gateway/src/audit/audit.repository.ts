import { AuditEntryDto, ListAuditQuery } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditEntity } from './audit.entity';

export type AuditRecord = Omit<AuditEntity, 'id'>;

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insertMany(rows: AuditRecord[]): Promise<void> {
    if (!rows.length) return;
    const cols = ['at', 'actor_kind', 'actor_id', 'actor_name', 'role', 'method', 'path', 'route', 'status', 'correlation_id', 'client_address', 'door', 'action', 'arguments', 'outcome'] as const;
    const params: unknown[] = [];
    // jsonb travels as its JSON text (pg would send a JS array as a PostgreSQL array)
    const value = (r: AuditRecord, c: (typeof cols)[number]) => (c === 'arguments' ? (r.arguments == null ? null : JSON.stringify(r.arguments)) : r[c]);
    const tuples = rows.map((r) => `(${cols.map((c) => `$${params.push(value(r, c))}`).join(', ')})`);
    await this.ds.query(`INSERT INTO "gateway"."audit_log" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }

  /** Newest first, keyset-paged on id. */
  async list(q: ListAuditQuery): Promise<{ items: AuditEntryDto[]; limit: number; next_cursor: string | null }> {
    const limit = q.limit ?? 50;
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => where.push(sql.replace('?', `$${params.push(value)}`));
    if (q.cursor) add('"id" < ?', q.cursor);
    if (q.actor) add('"actor_name" = ?', q.actor);
    if (q.method) add('"method" = ?', q.method);
    if (q.status) add('"status" = ?', q.status);
    if (q.path) add(`"path" LIKE ? ESCAPE '\\'`, q.path.replace(/[\\%_]/g, (c) => `\\${c}`) + '%');
    if (q.since) add('"at" >= ?', new Date(q.since));
    if (q.until) add('"at" < ?', new Date(q.until));
    if (q.correlation_id) add('"correlation_id" = ?', q.correlation_id);
    if (q.door) add('"door" = ?', q.door);
    if (q.action) add('"action" = ?', q.action);
    const rows: AuditEntity[] = await this.ds.query(
      `SELECT * FROM "gateway"."audit_log" ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY "id" DESC LIMIT ${limit + 1}`,
      params,
    );
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => ({ ...r, id: String(r.id), at: new Date(r.at).toISOString(), role: r.role as AuditEntryDto['role'], arguments: r.arguments ?? null })),
      limit,
      next_cursor: more ? String(page[page.length - 1].id) : null,
    };
  }
}
