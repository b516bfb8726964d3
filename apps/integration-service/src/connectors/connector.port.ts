import { AuthConfigDto, CloudEvent, Direction, FieldError, IntegrationType } from '@app/contracts';

/**
 * The port every integration type implements (the seed's `Integration` base class, the NestJS way).
 * A plugin validates its own `connection` settings and builds one Connector per integration.
 */

export interface ConnectorLogger {
  debug(msg: string, meta?: Record<string, unknown>): void;
  info(msg: string, meta?: Record<string, unknown>): void;
  warn(msg: string, meta?: Record<string, unknown>): void;
  error(msg: string, meta?: Record<string, unknown>): void;
}

/** Where outbound network calls may go (SSRF guard). Loopback and private ranges are refused unless allowlisted. */
export interface OutboundPolicy {
  /** CIDRs or host names that may be reached although private/loopback/link-local (e.g. ['127.0.0.0/8']). */
  allow: string[];
}

/** Everything a connector gets: the integration's settings with secrets already decrypted. Never log `auth`. */
export interface ConnectorContext {
  integrationId: string;
  name: string;
  type: IntegrationType | string;
  direction: Direction;
  connection: Record<string, unknown>;
  auth: AuthConfigDto;
  /** Bound for every single call (from the integration's `timeout_seconds`). */
  timeoutMs: number;
  /** Root folder for FILE integrations (`integrations.data_dir`); paths are confined to it. */
  dataDir: string;
  outbound: OutboundPolicy;
  logger: ConnectorLogger;
}

/** One delivery of one event. `deliveryId` is stable across retries so that receivers can drop duplicates. */
export interface OutboundMessage {
  deliveryId: string;
  attempt: number;
  event: CloudEvent;
}

export interface SendResult {
  ok: boolean;
  /** HTTP status or the protocol's equivalent, when there is one. */
  statusCode?: number;
  /** Whether another attempt could succeed (timeouts, 5xx, listed codes); false for config errors and most 4xx. */
  retryable: boolean;
  /** From a `Retry-After` header on 429/503. */
  retryAfterSeconds?: number;
  error?: string;
  durationMs: number;
}

export interface HealthResult {
  healthy: boolean;
  latencyMs: number;
  statusCode?: number;
  error?: string;
  details?: Record<string, unknown>;
}

/** Something an inbound integration received. `id` is the source's message id, used to drop duplicates. */
export interface InboundMessage {
  id: string;
  data: unknown;
  attributes?: Record<string, string>;
}

/** Resolves when the message is handled: only then does the connector acknowledge/delete it at the source. */
export type InboundHandler = (message: InboundMessage) => Promise<void>;

export interface Connector {
  /** Opens clients and checks the settings can be served; throws ConnectorError on failure. */
  initialize(): Promise<void>;
  healthCheck(): Promise<HealthResult>;
  /** OUTBOUND and BIDIRECTIONAL. */
  send?(message: OutboundMessage): Promise<SendResult>;
  /** INBOUND and BIDIRECTIONAL. */
  startListening?(handler: InboundHandler): Promise<void>;
  stopListening?(): Promise<void>;
  /** Releases every resource (sockets, timers, clients). Safe to call twice. */
  close(): Promise<void>;
}

/** One setting of `connection`, described for clients that draw a form (see ConnectionFieldDto). */
export interface ConnectionField {
  name: string;
  label: string;
  kind: 'string' | 'text' | 'number' | 'boolean' | 'list' | 'json' | 'secret' | 'select';
  description: string;
  /** Directions for which it must be set. */
  requiredFor?: readonly Direction[];
  /** Directions it applies to (absent: all). */
  directions?: readonly Direction[];
  options?: readonly string[];
  placeholder?: string;
}

export interface ConnectorPlugin {
  readonly type: IntegrationType | string;
  readonly directions: readonly Direction[];
  readonly authTypes: readonly string[];
  readonly description: string;
  /** The settings of `connection`, for clients that draw a form; validateConnection stays the judge. */
  readonly connectionFields?: readonly ConnectionField[];
  /**
   * Field errors of `connection` (paths relative to `connection`, e.g. `url`), empty when valid.
   * `direction` is passed by the registry so that, e.g., an OUTBOUND-only field is only required when sending.
   */
  validateConnection(connection: Record<string, unknown>, direction?: Direction): FieldError[];
  create(context: ConnectorContext): Connector;
  /**
   * How replicas of integration-service share an inbound source. `all-replicas` (the default for push and queue
   * sources: webhooks, SQS, NATS queue groups, JetStream durables): every replica listens, the source hands each
   * message to one of them. `one-replica`: a poller (REST poll, DATABASE cursor, FILE inbox) that must run once,
   * under a PostgreSQL lease. Plugins that do not say are treated as `one-replica` (safe).
   */
  readonly inboundConcurrency?: 'all-replicas' | 'one-replica';
  /**
   * A dispatching plugin (CUSTOM) picks the plugin that serves a `connection`; the registry then checks that
   * plugin's directions and auth types. Returns the field error when no plugin fits.
   */
  select?(connection: Record<string, unknown>): ConnectorPlugin | FieldError;
}

/**
 * A connector that is pushed to over our own HTTP edge (e.g. `POST /api/v1/hooks/{id}` for WEBHOOK):
 * the route hands it the raw request; it verifies and passes the message to the listening handler.
 * Throws AppException (UNAUTHORIZED for a bad signature, BAD_REQUEST, SERVICE_UNAVAILABLE when not listening).
 */
export interface InboundReceiver {
  receive(headers: Record<string, string | string[] | undefined>, rawBody: Buffer | string): Promise<void>;
}

export function isInboundReceiver(c: Connector): c is Connector & InboundReceiver {
  return typeof (c as Partial<InboundReceiver>).receive === 'function';
}

/** A failure a connector reports with a reason a user can act on. */
export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly retryable = false,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }

  /** A connector refuses to build on a connection its type's validation rejects (the API validated it before storing). */
  static throwIfInvalid(errors: readonly FieldError[]): void {
    if (errors.length) throw new ConnectorError(`invalid connection: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
  }
}
