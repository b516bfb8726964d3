import { LookupFunction, Socket } from 'node:net';
import { Pool, PoolConfig } from 'pg';
import { AuthType, Direction, FieldError, IntegrationType } from '@app/contracts';
import { Connector, ConnectorContext, ConnectorError, ConnectorPlugin, HealthResult, InboundHandler, OutboundMessage, SendResult } from '../../connector.port';
import { LookupFn, OutboundGuard } from '../../http/outbound-guard';
import { abortableSleep, ListenerLoop } from '../listener-loop';
import { checkCaBundle } from '../tls-ca';
import { DATABASE_FIELDS } from '../../connection-fields';
import { ConnectionFields } from '../../connection-validator';

/**
 * DATABASE (PostgreSQL). OUTBOUND inserts each event as a row; INBOUND polls a table by a cursor column.
 * Identifiers are validated and quoted, values always go as parameters.
 *
 * Expected outbound table (subject and delivery_id are optional; a UNIQUE delivery_id makes retries idempotent
 * through ON CONFLICT (delivery_id) DO NOTHING):
 *
 *   CREATE TABLE integration_events (
 *     id          bigserial PRIMARY KEY,
 *     event_id    text        NOT NULL,
 *     event_type  text        NOT NULL,
 *     source      text        NOT NULL,
 *     event_time  timestamptz NOT NULL,
 *     subject     text,
 *     data        jsonb,
 *     delivery_id text UNIQUE
 *   );
 */

export interface PostgresConnection {
  connection_string?: string;
  host?: string;
  port: number;
  database?: string;
  user?: string;
  password?: string;
  ssl: boolean;
  /** PEM CA bundle for a server with a private CA (e.g. Amazon RDS's); the system's CAs otherwise. */
  ca?: string;
  /** `table` or `schema.table`. */
  table: string;
  cursor_column?: string;
  /** Deliver rows after this cursor value only (otherwise from the first row). */
  cursor_start?: string;
  poll_interval_seconds: number;
  batch_size: number;
}

const IDENT = '[A-Za-z_][A-Za-z0-9_$]{0,62}';
const TABLE = new RegExp(`^${IDENT}(\\.${IDENT})?$`);
const COLUMN = new RegExp(`^${IDENT}$`);
const REQUIRED_COLUMNS = ['event_id', 'event_type', 'source', 'event_time', 'data'];
const OPTIONAL_COLUMNS = ['subject', 'delivery_id'];

function quoteIdent(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');
}

function validatePostgresConnection(c: Record<string, unknown>, direction?: Direction): FieldError[] {
  const f = new ConnectionFields(c, direction);
  if (f.receivesIn && c.cursor_column === undefined) f.fail('cursor_column', 'is required to receive rows');
  const str = (key: string, max = 256) => f.check(key, (v) => typeof v === 'string' && v.length > 0 && v.length <= max, `must be 1-${max} characters`);
  if (c.connection_string !== undefined) {
    let ok = false;
    try {
      const u = new URL(String(c.connection_string));
      // A host query parameter could point at a unix socket or a second host the guard never sees.
      ok = (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && !!u.hostname && !u.searchParams.has('host') && !u.searchParams.has('hostaddr');
    } catch {
      ok = false;
    }
    if (!ok) f.fail('connection_string', 'must be a postgres:// URL with a host (no host= parameter)');
    // connection_string is not (yet) among the connection keys stored encrypted and masked: keep secrets out of it.
    else if (new URL(String(c.connection_string)).password) f.fail('connection_string', 'must not embed a password: use `password` or BASIC auth');
    if (c.host !== undefined) f.fail('host', 'give either connection_string or host, not both');
  } else {
    f.check('host', (h) => typeof h === 'string' && /^[A-Za-z0-9.-]{1,253}$|^\[?[0-9a-fA-F:]+\]?$/.test(h), 'connection_string or host is required', 'connection_string or host is required');
  }
  f.range('port', 1, 65535, { integer: true, message: 'must be a TCP port' });
  ['database', 'user'].forEach((k) => str(k, 63));
  str('password', 1024);
  f.boolean('ssl');
  checkCaBundle(c, f.errors);
  f.check('table', (t) => typeof t === 'string' && TABLE.test(t), 'must be an identifier, optionally schema-qualified (schema.table)', 'must be an identifier, optionally schema-qualified (schema.table)');
  f.check('cursor_column', (v) => typeof v === 'string' && COLUMN.test(v), 'must be a column name');
  f.check('cursor_start', (v) => typeof v === 'string' || typeof v === 'number', 'must be a string or number');
  f.range('poll_interval_seconds', 0.1, 86400);
  f.range('batch_size', 1, 1000, { integer: true });
  return f.errors;
}

/** Connection and resource trouble may pass; SQL, permission and data errors need a change first. */
const RETRYABLE_SQLSTATE = /^(08|53|57P|58)|^(40001|40P01|55P03|55006)$/;
const RETRYABLE_NODE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN']);

function classify(e: unknown): { retryable: boolean; error: string } {
  if (e instanceof ConnectorError) return { retryable: e.retryable, error: e.message };
  const err = e as { code?: string; message?: string };
  const msg = err.message || err.code || String(e);
  if (err.code && /^[0-9A-Z]{5}$/.test(err.code)) return { retryable: RETRYABLE_SQLSTATE.test(err.code), error: `${err.code}: ${msg}` };
  if (err.code && RETRYABLE_NODE.has(err.code)) return { retryable: true, error: `${err.code}: ${msg}` };
  // Pool/driver timeouts and terminated connections carry no code.
  return { retryable: /timeout|terminated|Connection ended|closed/i.test(msg) || !err.code, error: msg };
}

/**
 * A socket for pg whose connect resolves the host through `lookup`. pg resolves the name again for every new
 * connection of the pool (DNS rebinding); this way each one opens to an address the guard has just checked, and
 * pg still knows the name, so TLS checks the certificate against it.
 */
function guardedSocket(lookup: LookupFunction): Socket {
  const socket = new Socket();
  const connect = socket.connect.bind(socket);
  socket.connect = ((port: number, host: string) => connect({ port, host, lookup })) as Socket['connect'];
  return socket;
}

export class PostgresConnector implements Connector {
  private readonly cfg: PostgresConnection;
  private pool?: Pool;
  /** Memoised so that concurrent first calls share one pool instead of racing to create several. */
  private opening?: Promise<Pool>;
  private insertSql?: string;
  private insertColumns: string[] = [];
  private readonly listener = new ListenerLoop();

  constructor(
    private readonly ctx: ConnectorContext,
    /** DNS override (tests); the guard still checks every answer. */
    private readonly lookup?: LookupFn,
  ) {
    ConnectorError.throwIfInvalid(validatePostgresConnection(ctx.connection, ctx.direction));
    const c = ctx.connection;
    this.cfg = {
      connection_string: c.connection_string as string | undefined,
      host: c.host as string | undefined,
      port: (c.port as number | undefined) ?? 5432,
      database: c.database as string | undefined,
      user: c.user as string | undefined,
      password: c.password as string | undefined,
      ssl: c.ssl === true,
      ca: c.ca as string | undefined,
      table: c.table as string,
      cursor_column: c.cursor_column as string | undefined,
      cursor_start: c.cursor_start === undefined ? undefined : String(c.cursor_start),
      poll_interval_seconds: (c.poll_interval_seconds as number | undefined) ?? 10,
      batch_size: (c.batch_size as number | undefined) ?? 100,
    };
  }

  /**
   * Host, port, database, user and TLS from either form. The URL is taken apart here rather than handed to pg
   * as connectionString, because pg lets the URL's (empty) user and password override explicit ones.
   */
  private endpoint(): PoolConfig {
    const ssl = (on: boolean) => (on ? { ssl: { rejectUnauthorized: true, ...(this.cfg.ca ? { ca: this.cfg.ca } : {}) } } : {});
    if (!this.cfg.connection_string) {
      return { host: this.cfg.host?.replace(/^\[|\]$/g, ''), port: this.cfg.port, database: this.cfg.database, user: this.cfg.user, ...ssl(this.cfg.ssl) };
    }
    const u = new URL(this.cfg.connection_string);
    const sslmode = u.searchParams.get('sslmode');
    return {
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port: u.port ? Number(u.port) : 5432,
      database: decodeURIComponent(u.pathname.replace(/^\//, '')) || undefined,
      user: decodeURIComponent(u.username) || this.cfg.user,
      ...ssl(this.cfg.ssl || sslmode === 'require' || sslmode === 'verify-ca' || sslmode === 'verify-full'),
    };
  }

  private db(): Promise<Pool> {
    this.opening ??= this.openPool().catch((e) => {
      this.opening = undefined;
      throw e;
    });
    return this.opening;
  }

  private async openPool(): Promise<Pool> {
    const endpoint = this.endpoint();
    const guard = new OutboundGuard(this.ctx.outbound, this.lookup);
    // Sockets skip the lookup for IP literals: those are checked here (and a refused name fails early).
    await guard.resolve(endpoint.host as string);
    const lookup = guard.socketLookup();
    const a = this.ctx.auth;
    const basic = a.type === AuthType.BASIC && a.username ? { user: a.username, ...(a.password !== undefined ? { password: a.password } : {}) } : {};
    const config: PoolConfig = {
      ...endpoint,
      stream: () => guardedSocket(lookup),
      // Without a password of its own, pg would fall back to the service's PGPASSWORD or pgpass file and send it to
      // whatever server the integration names; a function is never replaced by those defaults.
      password: () => '',
      ...(this.cfg.password !== undefined ? { password: this.cfg.password } : {}),
      ...basic,
      // Two connections: one for deliveries, one for the poller or a health check; integrations are many.
      max: 2,
      connectionTimeoutMillis: this.ctx.timeoutMs,
      query_timeout: this.ctx.timeoutMs,
      statement_timeout: this.ctx.timeoutMs,
      idleTimeoutMillis: 30000,
      allowExitOnIdle: true,
      application_name: `aws-mcp:${this.ctx.integrationId}`.slice(0, 63),
    };
    const pool = new Pool(config);
    // An idle client that loses its server emits here; without a listener it would crash the process.
    pool.on('error', (e) => this.ctx.logger.warn('PostgreSQL idle connection error', { integrationId: this.ctx.integrationId, error: classify(e).error }));
    this.pool = pool;
    return pool;
  }

  async initialize(): Promise<void> {
    try {
      const pool = await this.db();
      const cols = await pool.query<{ attname: string; is_unique: boolean }>(
        `SELECT a.attname,
                EXISTS (SELECT 1 FROM pg_index i
                        WHERE i.indrelid = a.attrelid AND i.indisunique AND i.indnatts = 1
                          AND i.indkey[0] = a.attnum AND i.indpred IS NULL) AS is_unique
           FROM pg_attribute a
          WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
        [quoteIdent(this.cfg.table)],
      );
      if (cols.rowCount === 0) throw new ConnectorError(`table ${this.cfg.table} does not exist (or is not visible to this user)`);
      const names = new Set(cols.rows.map((r) => r.attname));
      if (this.ctx.direction !== Direction.INBOUND) this.prepareInsert(names, cols.rows.some((r) => r.attname === 'delivery_id' && r.is_unique));
      if (this.ctx.direction !== Direction.OUTBOUND) {
        if (!this.cfg.cursor_column) throw new ConnectorError('cursor_column is required to receive rows');
        if (!names.has(this.cfg.cursor_column)) throw new ConnectorError(`table ${this.cfg.table} has no column ${this.cfg.cursor_column}`);
      }
    } catch (e) {
      const c = classify(e);
      throw new ConnectorError(c.error, c.retryable);
    }
  }

  private prepareInsert(names: Set<string>, uniqueDeliveryId: boolean): void {
    const missing = REQUIRED_COLUMNS.filter((c) => !names.has(c));
    if (missing.length) throw new ConnectorError(`table ${this.cfg.table} lacks column(s) ${missing.join(', ')} (see the expected DDL)`);
    this.insertColumns = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS.filter((c) => names.has(c))];
    const values = this.insertColumns.map((c, i) => (c === 'data' ? `$${i + 1}::jsonb` : `$${i + 1}`));
    this.insertSql =
      `INSERT INTO ${quoteIdent(this.cfg.table)} (${this.insertColumns.map(quoteIdent).join(', ')}) VALUES (${values.join(', ')})` +
      (uniqueDeliveryId ? ' ON CONFLICT (delivery_id) DO NOTHING' : '');
  }

  async healthCheck(): Promise<HealthResult> {
    const started = Date.now();
    try {
      await (await this.db()).query('SELECT 1');
      return { healthy: true, latencyMs: Date.now() - started };
    } catch (e) {
      return { healthy: false, latencyMs: Date.now() - started, error: classify(e).error };
    }
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const started = Date.now();
    try {
      if (!this.insertSql) await this.initialize();
      const e = message.event;
      const byColumn: Record<string, unknown> = {
        event_id: e.id,
        event_type: e.type,
        source: e.source,
        event_time: e.time,
        data: JSON.stringify(e.data ?? null),
        subject: e.subject ?? null,
        delivery_id: message.deliveryId,
      };
      const res = await (await this.db()).query(this.insertSql as string, this.insertColumns.map((c) => byColumn[c]));
      if (res.rowCount === 0) this.ctx.logger.debug('duplicate delivery dropped by ON CONFLICT', { deliveryId: message.deliveryId });
      return { ok: true, retryable: false, durationMs: Date.now() - started };
    } catch (e) {
      return { ok: false, ...classify(e), durationMs: Date.now() - started };
    }
  }

  async startListening(handler: InboundHandler): Promise<void> {
    if (this.listener.running) return;
    await this.initialize();
    this.listener.start((signal) => this.pollLoop(handler, signal));
  }

  private async pollLoop(handler: InboundHandler, signal: AbortSignal): Promise<void> {
    const table = quoteIdent(this.cfg.table);
    const col = quoteIdent(this.cfg.cursor_column as string);
    // The cursor travels as text and Postgres casts it to the column's type: no precision lost (timestamps, numerics).
    const select = `SELECT t.*, t.${col}::text AS "__cursor" FROM ${table} AS t`;
    const first = `${select} WHERE t.${col} IS NOT NULL ORDER BY t.${col} LIMIT ${this.cfg.batch_size}`;
    const next = `${select} WHERE t.${col} > $1 ORDER BY t.${col} LIMIT ${this.cfg.batch_size}`;
    let cursor = this.cfg.cursor_start;
    while (!signal.aborted) {
      let full = false;
      try {
        const pool = await this.db();
        const res = cursor === undefined ? await pool.query(first) : await pool.query(next, [cursor]);
        full = res.rowCount === this.cfg.batch_size;
        for (const row of res.rows as Array<Record<string, unknown>>) {
          if (signal.aborted) return;
          const { __cursor, ...data } = row;
          // Advance only past rows the handler accepted: a failure is retried from that row on the next poll.
          await handler({ id: `${this.cfg.table}:${String(__cursor)}`, data, attributes: { table: this.cfg.table, cursor: String(__cursor) } });
          cursor = String(__cursor);
        }
      } catch (e) {
        full = false;
        this.ctx.logger.warn('PostgreSQL poll stopped at a row; retrying on the next poll', { integrationId: this.ctx.integrationId, error: (e as Error).message });
      }
      // A full page means more rows are waiting: fetch them without sleeping.
      if (!full) await abortableSleep(this.cfg.poll_interval_seconds * 1000, signal);
    }
  }

  async stopListening(): Promise<void> {
    await this.listener.stop();
  }

  async close(): Promise<void> {
    await this.stopListening();
    const pool = this.pool ?? (await this.opening?.catch(() => undefined));
    this.pool = undefined;
    this.opening = undefined;
    this.insertSql = undefined;
    await pool?.end().catch(() => undefined);
  }
}

export const postgresPlugin: ConnectorPlugin = {
  type: IntegrationType.DATABASE,
  directions: [Direction.OUTBOUND, Direction.INBOUND, Direction.BIDIRECTIONAL],
  authTypes: [AuthType.NONE, AuthType.BASIC],
  inboundConcurrency: 'one-replica', // a cursor poller
  description: 'PostgreSQL: inserts events into a table (idempotent with a unique delivery_id) and polls a table by a cursor column.',
  connectionFields: DATABASE_FIELDS,
  validateConnection: validatePostgresConnection,
  create: (context) => new PostgresConnector(context),
};
