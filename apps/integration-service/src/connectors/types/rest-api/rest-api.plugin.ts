import { AuthType, Direction, FieldError, HTTP_METHODS, IntegrationType } from '@app/contracts';
import { ConnectorContext, ConnectorPlugin, HealthResult, InboundHandler, OutboundMessage, SendResult } from '../../connector.port';
import { ConnectionFields, parseJsonTemplate } from '../../connection-validator';
import { AuthProviderLookup, bodyExcerpt, HttpConnectorBase, HttpPluginBase } from '../../http/http-connector.base';
import { OutboundHttpOptions } from '../../http/outbound-http';
import { renderHeader, renderJson, renderUrl, TemplateScope } from '../../http/template';
import { REST_API_FIELDS } from '../../connection-fields';

/** `connection` of a REST_API integration. */
export interface RestApiConnection {
  method?: (typeof HTTP_METHODS)[number];
  /** Target of outbound calls; `{{event.type}}`, `{{event.data.x}}` are URL-encoded into it. */
  url?: string;
  headers?: Record<string, string>;
  /** JSON (object or string) with placeholders; without it the CloudEvent is sent as is. */
  body_template?: unknown;
  health_url?: string;
  /** INBOUND: polled with GET. */
  poll_url?: string;
  poll_interval_seconds?: number;
  /** Dotted path of the item array in the poll response (e.g. `data.items`); the body itself when absent. */
  items_path?: string;
  id_field?: string;
}

const MIN_POLL_SECONDS = 5;
const DEFAULT_POLL_SECONDS = 60;
/** How many item ids are remembered to drop repeats; the oldest are forgotten first. */
export const SEEN_IDS_LIMIT = 10_000;
const BODYLESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

function getPath(root: unknown, path: string): unknown {
  let cur = root;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export class RestApiConnector extends HttpConnectorBase {
  private readonly conn: RestApiConnection;
  private readonly bodyTemplate: unknown;
  private handler?: InboundHandler;
  private timer?: NodeJS.Timeout;
  private polling?: Promise<number>;
  /** Bumped on every start/stop so that a loop from an earlier start ends instead of running twice. */
  private generation = 0;
  /** Ordered by last sight (a Set keeps insertion order), so the first entries are the stalest. */
  private readonly seen = new Set<string>();

  constructor(ctx: ConnectorContext, auth: AuthProviderLookup, httpOptions?: Partial<OutboundHttpOptions>) {
    super(ctx, auth, httpOptions);
    this.conn = ctx.connection as RestApiConnection;
    this.bodyTemplate = parseJsonTemplate(this.conn.body_template);
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const scope: TemplateScope = { event: message.event, delivery: { id: message.deliveryId, attempt: message.attempt } };
    const method = (this.conn.method ?? 'POST').toUpperCase();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.conn.headers ?? {})) headers[k.toLowerCase()] = renderHeader(v, scope);
    let body: string | undefined;
    if (this.bodyTemplate !== undefined) body = JSON.stringify(renderJson(this.bodyTemplate, scope));
    else if (!BODYLESS.has(method)) body = JSON.stringify(message.event);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    // Idempotency key: receivers that support it drop our retries.
    headers['idempotency-key'] ??= message.deliveryId;
    return this.deliver({ method, url: renderUrl(this.conn.url as string, scope), headers, body });
  }

  async healthCheck(): Promise<HealthResult> {
    if (this.conn.health_url) return this.probe({ method: 'GET', url: this.conn.health_url, headers: {} }, (r) => r.status < 400);
    const target = this.conn.url ? new URL(this.conn.url.replace(/\{\{[^{}]*\}\}/g, '')).origin + '/' : this.conn.poll_url;
    if (!target) return { healthy: false, latencyMs: 0, error: 'Nothing to probe: set url, poll_url or health_url' };
    return this.probe({ method: 'HEAD', url: target, headers: {} }, (r) => r.status < 500);
  }

  async startListening(handler: InboundHandler): Promise<void> {
    if (!this.conn.poll_url) throw new Error('poll_url is required to listen');
    this.handler = handler;
    const gen = ++this.generation;
    const interval = Math.max(MIN_POLL_SECONDS, this.conn.poll_interval_seconds ?? DEFAULT_POLL_SECONDS) * 1000;
    // A timeout chain rather than setInterval: a slow poll never overlaps the next one.
    const loop = async (): Promise<void> => {
      if (!this.listening(gen)) return;
      try {
        await this.pollOnce();
      } catch (err) {
        this.ctx.logger.warn('REST poll failed', { integrationId: this.ctx.integrationId, error: (err as Error).message });
      }
      if (this.listening(gen)) {
        this.timer = setTimeout(() => void loop(), interval);
        this.timer.unref();
      }
    };
    void loop();
  }

  /** A method, not a field read, so the check is redone after every await. */
  private listening(gen: number): boolean {
    return gen === this.generation && this.handler !== undefined && !this.closed;
  }

  async stopListening(): Promise<void> {
    this.generation++;
    this.handler = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling?.catch(() => undefined);
  }

  override async close(): Promise<void> {
    await this.stopListening();
    await super.close();
  }

  /**
   * Fetches `poll_url` once and hands every item not seen before to the handler, in order. An item whose
   * handler fails is not remembered, so the next poll offers it again. Returns how many were handed over.
   */
  async pollOnce(): Promise<number> {
    const run = async (): Promise<number> => {
      const handler = this.handler;
      if (!handler) return 0;
      const res = await this.exchange(
        { method: 'GET', url: this.conn.poll_url as string, headers: { accept: 'application/json', ...(this.conn.headers ?? {}) } },
        { followRedirects: true },
      );
      if (res.status < 200 || res.status >= 300) throw new Error(`Poll answered HTTP ${res.status}: ${bodyExcerpt(res.body)}`);
      if (res.truncated) throw new Error('Poll response exceeded the size limit');
      const json = JSON.parse(res.body.toString('utf8')) as unknown;
      const items = this.conn.items_path ? getPath(json, this.conn.items_path) : json;
      if (!Array.isArray(items)) throw new Error(`No array at ${this.conn.items_path ?? 'the response root'}`);
      const idField = this.conn.id_field ?? 'id';
      let handed = 0;
      for (const item of items) {
        const rawId = getPath(item, idField);
        if (rawId === undefined || rawId === null || typeof rawId === 'object') continue;
        const id = String(rawId);
        if (this.seen.has(id)) {
          // Refresh: ids the API keeps returning must be the last ones forgotten.
          this.seen.delete(id);
          this.seen.add(id);
          continue;
        }
        await handler({ id, data: item });
        this.remember(id);
        handed++;
      }
      return handed;
    };
    // Never two polls at once (scheduled and manual): the second waits for the first.
    const previous = this.polling ?? Promise.resolve(0);
    const next = previous.catch(() => 0).then(run);
    this.polling = next;
    return next;
  }

  private remember(id: string): void {
    this.seen.add(id);
    if (this.seen.size > SEEN_IDS_LIMIT) this.seen.delete(this.seen.values().next().value as string);
  }
}

/** REST_API: templated HTTP calls out, polling in. */
export class RestApiPlugin extends HttpPluginBase implements ConnectorPlugin {
  readonly type = IntegrationType.REST_API;
  readonly directions = [Direction.OUTBOUND, Direction.INBOUND, Direction.BIDIRECTIONAL] as const;
  readonly authTypes = Object.values(AuthType);
  /** A poller: one replica polls, under a lease. */
  readonly inboundConcurrency = 'one-replica' as const;
  readonly description = 'REST APIs: templated requests per event out, a polled collection in';
  readonly connectionFields = REST_API_FIELDS;

  validateConnection(connection: Record<string, unknown>, direction?: Direction): FieldError[] {
    const f = new ConnectionFields(connection, direction);
    f.string('method', { oneOf: HTTP_METHODS });
    f.url('url', f.sendsOut, true);
    f.headers('headers');
    f.jsonTemplate('body_template');
    f.url('health_url', false);
    f.url('poll_url', f.receivesIn);
    f.int('poll_interval_seconds', MIN_POLL_SECONDS, 86400);
    f.string('items_path', { max: 256 });
    f.string('id_field', { max: 256 });
    return f.errors;
  }

  create(context: ConnectorContext): RestApiConnector {
    return new RestApiConnector(context, this.auth, this.httpOptions);
  }
}
