import { DescribeEventBusCommand, EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { Direction, FieldError } from '@app/contracts';
import { Connector, ConnectorContext, ConnectorError, HealthResult, OutboundMessage, SendResult } from '../../connector.port';
import { awsClientConfig, checkHttpUrl, checkRegion, classifyAwsError, guardAwsEndpoints } from '../message-queue/aws-common';
import { LookupFn } from '../../http/outbound-guard';

export interface EventBridgeSettings {
  event_bus_name: string;
  source: string;
  /** Defaults to the event's `type`, so rules can match on it. */
  detail_type?: string;
  region: string;
  endpoint?: string;
}

/** PutEvents entry errors that another attempt may get past. */
const RETRYABLE_ENTRY_ERRORS = new Set(['InternalFailure', 'InternalException', 'ThrottlingException']);

export function validateEventBridgeConnection(c: Record<string, unknown>, direction?: Direction): FieldError[] {
  const errors: FieldError[] = [];
  if (direction !== undefined && direction !== Direction.OUTBOUND) {
    errors.push({ field: 'provider', message: 'eventbridge is outbound only: route a rule to an SQS queue and receive it with a MESSAGE_QUEUE integration' });
  }
  const bus = c.event_bus_name ?? 'default';
  if (typeof bus !== 'string' || !/^([\w.\-/]{1,256}|arn:aws[\w-]*:events:[\w-]+:\d{12}:event-bus\/[\w.\-/]{1,256})$/.test(bus)) {
    errors.push({ field: 'event_bus_name', message: 'must be an event bus name or ARN' });
  }
  if (typeof c.source !== 'string' || c.source.length === 0 || c.source.length > 256 || /^aws\./.test(c.source)) {
    errors.push({ field: 'source', message: "is required (1-256 characters, not starting with 'aws.')" });
  }
  if (c.detail_type !== undefined && (typeof c.detail_type !== 'string' || c.detail_type.length === 0 || c.detail_type.length > 128)) {
    errors.push({ field: 'detail_type', message: 'must be 1-128 characters' });
  }
  checkRegion(c, errors);
  checkHttpUrl(c, 'endpoint', errors, false);
  return errors;
}

export class EventBridgeConnector implements Connector {
  private readonly cfg: EventBridgeSettings;
  private client?: EventBridgeClient;
  /** Memoised so that concurrent first calls share one client. */
  private opening?: Promise<EventBridgeClient>;

  constructor(
    private readonly ctx: ConnectorContext,
    /** DNS override (tests); the guard still checks every answer. */
    private readonly lookup?: LookupFn,
  ) {
    ConnectorError.throwIfInvalid(validateEventBridgeConnection(ctx.connection));
    const c = ctx.connection;
    this.cfg = {
      event_bus_name: (c.event_bus_name as string | undefined) ?? 'default',
      source: c.source as string,
      detail_type: c.detail_type as string | undefined,
      region: c.region as string,
      endpoint: c.endpoint as string | undefined,
    };
  }

  private eb(): Promise<EventBridgeClient> {
    this.opening ??= (async () => {
      const guarded = guardAwsEndpoints(this.ctx, [this.cfg.endpoint], this.lookup);
      return (this.client = new EventBridgeClient(awsClientConfig(this.ctx, this.cfg.region, this.cfg.endpoint, guarded)));
    })().catch((e) => {
      this.opening = undefined;
      throw e;
    });
    return this.opening;
  }

  async initialize(): Promise<void> {
    if (this.ctx.direction !== Direction.OUTBOUND) {
      // EventBridge pushes to rule targets; receive them through a target such as an SQS queue (MESSAGE_QUEUE).
      throw new ConnectorError('EventBridge integrations are outbound only: route a rule to an SQS queue and receive it with a MESSAGE_QUEUE integration');
    }
    try {
      await this.describeBus();
    } catch (e) {
      if (e instanceof ConnectorError) throw e;
      const c = classifyAwsError(e);
      throw new ConnectorError(c.error, c.retryable, c.statusCode);
    }
  }

  private async describeBus(): Promise<{ arn?: string }> {
    const out = await (await this.eb()).send(new DescribeEventBusCommand({ Name: this.cfg.event_bus_name }), { abortSignal: AbortSignal.timeout(this.ctx.timeoutMs) });
    return { arn: out.Arn };
  }

  async healthCheck(): Promise<HealthResult> {
    const started = Date.now();
    try {
      const details = await this.describeBus();
      return { healthy: true, latencyMs: Date.now() - started, details };
    } catch (e) {
      const c = e instanceof ConnectorError ? { error: e.message, statusCode: e.statusCode } : classifyAwsError(e);
      return { healthy: false, latencyMs: Date.now() - started, statusCode: c.statusCode, error: c.error };
    }
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const started = Date.now();
    try {
      const out = await (await this.eb()).send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: this.cfg.event_bus_name,
              Source: this.cfg.source,
              DetailType: this.cfg.detail_type ?? message.event.type,
              // The whole CloudEvent plus the delivery id, so targets can drop redelivered duplicates.
              Detail: JSON.stringify({ ...message.event, deliveryid: message.deliveryId }),
              Time: new Date(message.event.time),
            },
          ],
        }),
        { abortSignal: AbortSignal.timeout(this.ctx.timeoutMs) },
      );
      // PutEvents answers 200 even when the entry was refused: the failure is in the entry.
      if (out.FailedEntryCount) {
        const entry = out.Entries?.[0];
        const code = entry?.ErrorCode ?? 'Unknown';
        return { ok: false, retryable: RETRYABLE_ENTRY_ERRORS.has(code), statusCode: out.$metadata.httpStatusCode, error: `${code}: ${entry?.ErrorMessage ?? 'entry failed'}`, durationMs: Date.now() - started };
      }
      return { ok: true, retryable: false, statusCode: out.$metadata.httpStatusCode, durationMs: Date.now() - started };
    } catch (e) {
      if (e instanceof ConnectorError) return { ok: false, retryable: e.retryable, error: e.message, durationMs: Date.now() - started };
      return { ok: false, ...classifyAwsError(e), durationMs: Date.now() - started };
    }
  }

  async close(): Promise<void> {
    // An open still in flight would otherwise leave a client behind.
    const client = this.client ?? (await this.opening?.catch(() => undefined));
    this.client = undefined;
    this.opening = undefined;
    client?.destroy();
  }
}
