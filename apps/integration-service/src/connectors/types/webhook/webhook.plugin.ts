import { AppException, AuthType, Direction, FieldError, IntegrationType } from '@app/contracts';
import { ConnectorContext, ConnectorPlugin, HealthResult, InboundHandler, InboundReceiver, OutboundMessage, SendResult } from '../../connector.port';
import { ConnectionFields } from '../../connection-validator';
import { AuthProviderLookup, HttpConnectorBase, HttpPluginBase } from '../../http/http-connector.base';
import { OutboundHttpOptions } from '../../http/outbound-http';
import { renderHeader } from '../../http/template';
import { signStandardWebhook, verifyStandardWebhook, webhookSecretKey } from './standard-webhooks';
import { signingSecrets, SigningRotation } from './webhook-signing';
import { WEBHOOK_FIELDS } from '../../connection-fields';

/** `connection` of a WEBHOOK integration. */
export interface WebhookConnection {
  /** Where events are POSTed (OUTBOUND/BIDIRECTIONAL). */
  url?: string;
  /** `whsec_<base64>` signing secret. */
  secret?: string;
  /** Several secrets while rotating: outbound signs with each, inbound accepts any. */
  secrets?: string[];
  /** Written by a rotation: the replaced secret, still used until `expires_at`. */
  rotation?: SigningRotation;
  /** Extra headers on outbound calls (placeholders allowed). */
  headers?: Record<string, string>;
  /** GET target of the health check; without it the URL itself is probed. */
  health_url?: string;
  /** Inbound replay window; default 300. */
  tolerance_seconds?: number;
}

const ALL_AUTH = Object.values(AuthType);


export class WebhookConnector extends HttpConnectorBase implements InboundReceiver {
  private handler?: InboundHandler;
  private readonly conn: WebhookConnection;

  constructor(ctx: ConnectorContext, auth: AuthProviderLookup, httpOptions?: Partial<OutboundHttpOptions>, private readonly clock: () => number = Date.now) {
    super(ctx, auth, httpOptions);
    this.conn = ctx.connection as WebhookConnection;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const body = JSON.stringify(message.event);
    const timestamp = Math.floor(this.clock() / 1000);
    const scope = { event: message.event, delivery: { id: message.deliveryId, attempt: message.attempt } };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.conn.headers ?? {})) headers[k.toLowerCase()] = renderHeader(v, scope);
    const secrets = signingSecrets(this.conn as Record<string, unknown>, this.clock());
    Object.assign(headers, {
      'content-type': 'application/json',
      'webhook-id': message.deliveryId,
      'webhook-timestamp': String(timestamp),
      ...(secrets.length ? { 'webhook-signature': signStandardWebhook(message.deliveryId, timestamp, body, secrets) } : {}),
    });
    return this.deliver({ method: 'POST', url: this.conn.url as string, headers, body });
  }

  async healthCheck(): Promise<HealthResult> {
    if (this.conn.health_url) {
      return this.probe({ method: 'GET', url: this.conn.health_url, headers: {} }, (r) => r.status < 400);
    }
    if (!this.conn.url) {
      // Inbound only: nothing to reach; healthy while it can receive.
      return { healthy: !this.closed, latencyMs: 0, details: { listening: this.handler !== undefined } };
    }
    // Many receivers only accept POST: any answer below 500 shows the endpoint is there.
    return this.probe({ method: 'HEAD', url: this.conn.url, headers: {} }, (r) => r.status < 500);
  }

  async startListening(handler: InboundHandler): Promise<void> {
    this.handler = handler;
  }

  async stopListening(): Promise<void> {
    this.handler = undefined;
  }

  override async close(): Promise<void> {
    this.handler = undefined;
    await super.close();
  }

  /** Called by `POST /api/v1/hooks/{id}` with the raw bytes: verifies, then hands the event to the handler. */
  async receive(headers: Record<string, string | string[] | undefined>, rawBody: Buffer | string): Promise<void> {
    const handler = this.handler;
    if (!handler) throw new AppException('SERVICE_UNAVAILABLE', 'This integration is not receiving');
    const result = verifyStandardWebhook(
      headers,
      rawBody,
      signingSecrets(this.conn as Record<string, unknown>, this.clock()),
      this.conn.tolerance_seconds ?? 300,
      Math.floor(this.clock() / 1000),
    );
    if (!result.ok) throw new AppException('UNAUTHORIZED', `Webhook signature rejected: ${result.reason}`);
    let data: unknown;
    try {
      data = JSON.parse(Buffer.isBuffer(rawBody) ? rawBody.toString('utf8') : rawBody);
    } catch {
      throw new AppException('BAD_REQUEST', 'The webhook body is not JSON');
    }
    await handler({ id: result.id, data, attributes: { 'webhook-timestamp': String(result.timestamp) } });
  }
}

/** WEBHOOK: signed JSON POSTs out (Standard Webhooks), verified POSTs in. */
export class WebhookPlugin extends HttpPluginBase implements ConnectorPlugin {
  readonly type = IntegrationType.WEBHOOK;
  readonly directions = [Direction.OUTBOUND, Direction.INBOUND, Direction.BIDIRECTIONAL] as const;
  readonly authTypes = ALL_AUTH;
  /** Pushed to through the gateway: any replica may verify and publish. */
  readonly inboundConcurrency = 'all-replicas' as const;
  readonly description = 'HTTP callbacks: CloudEvents POSTed and signed per Standard Webhooks; inbound verified the same way';
  readonly connectionFields = WEBHOOK_FIELDS;

  validateConnection(connection: Record<string, unknown>, direction?: Direction): FieldError[] {
    const f = new ConnectionFields(connection, direction);
    f.url('url', f.sendsOut);
    f.url('health_url', false);
    f.headers('headers');
    f.int('tolerance_seconds', 1, 3600);
    const errors = f.errors;
    if (connection.secret !== undefined && (typeof connection.secret !== 'string' || !webhookSecretKey(connection.secret))) {
      errors.push({ field: 'secret', message: 'secret must be whsec_ followed by base64 of 16 to 128 bytes' });
    }
    if (connection.secrets !== undefined) {
      if (!Array.isArray(connection.secrets) || connection.secrets.length > 10) {
        errors.push({ field: 'secrets', message: 'secrets must be an array of at most 10 secrets' });
      } else {
        connection.secrets.forEach((s, i) => {
          if (typeof s !== 'string' || !webhookSecretKey(s)) {
            errors.push({ field: `secrets.${i}`, message: 'must be whsec_ followed by base64 of 16 to 128 bytes' });
          }
        });
      }
    }
    if (connection.rotation !== undefined) {
      const r = connection.rotation as Record<string, unknown> | null;
      if (typeof r !== 'object' || r === null || Array.isArray(r)) errors.push({ field: 'rotation', message: 'rotation must be an object { previous_secret, expires_at } (written by a rotation)' });
      else {
        if (typeof r.previous_secret !== 'string' || !webhookSecretKey(r.previous_secret)) errors.push({ field: 'rotation.previous_secret', message: 'must be whsec_ followed by base64 of 16 to 128 bytes' });
        if (typeof r.expires_at !== 'string' || !Number.isFinite(Date.parse(r.expires_at))) errors.push({ field: 'rotation.expires_at', message: 'must be an ISO 8601 time' });
      }
    }
    if (f.receivesIn && !signingSecrets(connection).length) {
      errors.push({ field: 'secret', message: 'secret (or secrets) is required to verify inbound webhooks' });
    }
    return errors;
  }

  create(context: ConnectorContext): WebhookConnector {
    return new WebhookConnector(context, this.auth, this.httpOptions);
  }
}
