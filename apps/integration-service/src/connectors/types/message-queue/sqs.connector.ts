import { ChangeMessageVisibilityBatchCommand, DeleteMessageCommand, GetQueueAttributesCommand, Message, MessageAttributeValue, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Direction, FieldError, IntegrationType } from '@app/contracts';
import { Connector, ConnectorContext, ConnectorError, ConnectorPlugin, HealthResult, InboundHandler, OutboundMessage, SendResult } from '../../connector.port';
import { ConnectionFields } from '../../connection-validator';
import { AWS_AUTH_TYPES, awsClientConfig, checkHttpUrl, checkRegion, classifyAwsError, guardAwsEndpoints } from './aws-common';
import { LookupFn } from '../../http/outbound-guard';
import { abortableSleep, ListenerLoop } from '../listener-loop';
import { HeldMessage, VisibilityKeeper } from './visibility-keeper';
import { MESSAGE_QUEUE_FIELDS } from '../../connection-fields';

export interface SqsConnection {
  queue_url: string;
  region: string;
  endpoint?: string;
  /** Required by FIFO queues (`.fifo`); the delivery id becomes the deduplication id. */
  message_group_id?: string;
  wait_time_seconds: number;
  visibility_timeout?: number;
  /** Inbound: how long a received message is kept invisible at most while it waits for and goes through the handler. */
  max_visibility_seconds: number;
  max_messages: number;
}

export interface BatchEntryResult {
  deliveryId: string;
  ok: boolean;
  retryable: boolean;
  messageId?: string;
  error?: string;
}

const SQS_BATCH_MAX = 10;
/** SQS's own default visibility timeout, used when the queue's cannot be read. */
const SQS_DEFAULT_VISIBILITY_SECONDS = 30;
/** The classic SQS limit (AWS now allows 1 MiB; emulators and older regions do not). */
const SQS_BATCH_BYTES = 256 * 1024;

function validateSqsConnection(c: Record<string, unknown>): FieldError[] {
  const f = new ConnectionFields(c);
  checkHttpUrl(c, 'queue_url', f.errors, true);
  checkRegion(c, f.errors);
  checkHttpUrl(c, 'endpoint', f.errors, false);
  const fifo = typeof c.queue_url === 'string' && c.queue_url.endsWith('.fifo');
  f.check('message_group_id', (g) => typeof g === 'string' && /^[\x21-\x7e]{1,128}$/.test(g), 'must be 1-128 printable ASCII characters', fifo ? 'is required for a FIFO queue' : undefined);
  f.range('wait_time_seconds', 0, 20, { integer: true });
  f.range('visibility_timeout', 0, 43200, { integer: true });
  // SQS refuses to keep a message invisible for more than 12 hours after it was received.
  f.range('max_visibility_seconds', 1, 43200, { integer: true });
  f.range('max_messages', 1, 10, { integer: true });
  return f.errors;
}

function parseBody(body: string | undefined): unknown {
  if (body === undefined) return null;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

export class SqsConnector implements Connector {
  private readonly cfg: SqsConnection;
  private client?: SQSClient;
  /** Memoised so that concurrent first calls share one client. */
  private opening?: Promise<SQSClient>;
  private readonly listener = new ListenerLoop();

  constructor(
    private readonly ctx: ConnectorContext,
    /** DNS override (tests); the guard still checks every answer. */
    private readonly lookup?: LookupFn,
  ) {
    ConnectorError.throwIfInvalid(validateSqsConnection(ctx.connection));
    const c = ctx.connection;
    this.cfg = {
      queue_url: c.queue_url as string,
      region: c.region as string,
      endpoint: c.endpoint as string | undefined,
      message_group_id: c.message_group_id as string | undefined,
      wait_time_seconds: (c.wait_time_seconds as number | undefined) ?? 20,
      visibility_timeout: c.visibility_timeout as number | undefined,
      max_visibility_seconds: (c.max_visibility_seconds as number | undefined) ?? 900,
      max_messages: (c.max_messages as number | undefined) ?? 10,
    };
  }

  private sqs(): Promise<SQSClient> {
    this.opening ??= (async () => {
      const guarded = guardAwsEndpoints(this.ctx, [this.cfg.queue_url, this.cfg.endpoint], this.lookup);
      const base = awsClientConfig(this.ctx, this.cfg.region, this.cfg.endpoint, guarded);
      // Long polls hold the request open for wait_time_seconds: the socket timeout must outlast them.
      const requestTimeout = Math.max(this.ctx.timeoutMs, this.cfg.wait_time_seconds * 1000 + 5000);
      return (this.client = new SQSClient({ ...base, requestHandler: { ...base.requestHandler, requestTimeout } }));
    })().catch((e) => {
      this.opening = undefined;
      throw e;
    });
    return this.opening;
  }

  private async queueAttributes(): Promise<Record<string, string>> {
    const out = await (await this.sqs()).send(
      new GetQueueAttributesCommand({ QueueUrl: this.cfg.queue_url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      { abortSignal: AbortSignal.timeout(this.ctx.timeoutMs) },
    );
    return { ...out.Attributes };
  }

  async initialize(): Promise<void> {
    try {
      await this.queueAttributes();
    } catch (e) {
      if (e instanceof ConnectorError) throw e;
      const c = classifyAwsError(e);
      throw new ConnectorError(c.error, c.retryable, c.statusCode);
    }
  }

  async healthCheck(): Promise<HealthResult> {
    const started = Date.now();
    try {
      const details = await this.queueAttributes();
      return { healthy: true, latencyMs: Date.now() - started, details };
    } catch (e) {
      const c = e instanceof ConnectorError ? { error: e.message, statusCode: e.statusCode } : classifyAwsError(e);
      return { healthy: false, latencyMs: Date.now() - started, statusCode: c.statusCode, error: c.error };
    }
  }

  private attributes(m: OutboundMessage): Record<string, MessageAttributeValue> {
    return {
      delivery_id: { DataType: 'String', StringValue: m.deliveryId },
      event_type: { DataType: 'String', StringValue: m.event.type },
    };
  }

  private fifoFields(m: OutboundMessage) {
    // Same delivery id → SQS drops the retry within its 5-minute deduplication window.
    return this.cfg.message_group_id ? { MessageGroupId: this.cfg.message_group_id, MessageDeduplicationId: m.deliveryId.slice(0, 128) } : {};
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const started = Date.now();
    try {
      const out = await (await this.sqs()).send(
        new SendMessageCommand({
          QueueUrl: this.cfg.queue_url,
          MessageBody: JSON.stringify(message.event),
          MessageAttributes: this.attributes(message),
          ...this.fifoFields(message),
        }),
        { abortSignal: AbortSignal.timeout(this.ctx.timeoutMs) },
      );
      return { ok: true, retryable: false, statusCode: out.$metadata.httpStatusCode, durationMs: Date.now() - started };
    } catch (e) {
      if (e instanceof ConnectorError) return { ok: false, retryable: e.retryable, error: e.message, durationMs: Date.now() - started };
      return { ok: false, ...classifyAwsError(e), durationMs: Date.now() - started };
    }
  }

  /**
   * SendMessageBatch in chunks of at most 10 messages and 256 KiB of bodies (a larger request fails as a whole);
   * one result per message, in input order. A message that alone exceeds the limit fails without a call.
   */
  async sendBatch(messages: OutboundMessage[]): Promise<BatchEntryResult[]> {
    const results = new Map<number, BatchEntryResult>();
    const chunks: Array<Array<{ index: number; body: string }>> = [];
    let current: Array<{ index: number; body: string }> = [];
    let bytes = 0;
    messages.forEach((m, index) => {
      const body = JSON.stringify(m.event);
      const size = Buffer.byteLength(body);
      if (size > SQS_BATCH_BYTES) {
        results.set(index, { deliveryId: m.deliveryId, ok: false, retryable: false, error: `message is ${size} bytes, over the ${SQS_BATCH_BYTES}-byte limit` });
        return;
      }
      if (current.length === SQS_BATCH_MAX || bytes + size > SQS_BATCH_BYTES) {
        chunks.push(current);
        current = [];
        bytes = 0;
      }
      current.push({ index, body });
      bytes += size;
    });
    if (current.length) chunks.push(current);

    for (const chunk of chunks) {
      try {
        const out = await (await this.sqs()).send(
          new SendMessageBatchCommand({
            QueueUrl: this.cfg.queue_url,
            // Entry ids only need to be unique within the call; delivery ids may hold characters SQS refuses here.
            Entries: chunk.map(({ index, body }) => ({
              Id: `m${index}`,
              MessageBody: body,
              MessageAttributes: this.attributes(messages[index]),
              ...this.fifoFields(messages[index]),
            })),
          }),
          { abortSignal: AbortSignal.timeout(this.ctx.timeoutMs) },
        );
        const sent = new Map((out.Successful ?? []).map((s) => [s.Id, s.MessageId]));
        const failed = new Map((out.Failed ?? []).map((f) => [f.Id, f]));
        for (const { index } of chunk) {
          const deliveryId = messages[index].deliveryId;
          const f = failed.get(`m${index}`);
          if (f) results.set(index, { deliveryId, ok: false, retryable: !f.SenderFault, error: `${f.Code}: ${f.Message ?? ''}`.trim() });
          else if (sent.has(`m${index}`)) results.set(index, { deliveryId, ok: true, retryable: false, messageId: sent.get(`m${index}`) });
          else results.set(index, { deliveryId, ok: false, retryable: true, error: 'not acknowledged by SQS' });
        }
      } catch (e) {
        const c = e instanceof ConnectorError ? { retryable: e.retryable, error: e.message } : classifyAwsError(e);
        for (const { index } of chunk) results.set(index, { deliveryId: messages[index].deliveryId, ok: false, retryable: c.retryable, error: c.error });
      }
    }
    return messages.map((_, i) => results.get(i) as BatchEntryResult);
  }

  async startListening(handler: InboundHandler): Promise<void> {
    if (this.listener.running) return;
    const client = await this.sqs();
    const keeper = new VisibilityKeeper({
      timeoutSeconds: this.cfg.visibility_timeout ?? (await this.queueVisibilityTimeout(client)),
      maxSeconds: this.cfg.max_visibility_seconds,
      extend: (entries, seconds) => this.extendVisibility(client, entries, seconds),
      onError: (e) => this.ctx.logger.warn('SQS visibility extension failed; trying again', { integrationId: this.ctx.integrationId, error: classifyAwsError(e).error }),
    });
    this.listener.start((signal) => this.pollLoop(client, handler, keeper, signal).finally(() => keeper.stop()));
  }

  /** The queue's own visibility timeout, which receives without `visibility_timeout` get. */
  private async queueVisibilityTimeout(client: SQSClient): Promise<number> {
    try {
      const out = await client.send(new GetQueueAttributesCommand({ QueueUrl: this.cfg.queue_url, AttributeNames: ['VisibilityTimeout'] }), {
        abortSignal: AbortSignal.timeout(this.ctx.timeoutMs),
      });
      const seconds = Number(out.Attributes?.VisibilityTimeout);
      if (Number.isInteger(seconds) && seconds >= 0) return seconds;
    } catch (e) {
      this.ctx.logger.warn('could not read the queue\'s visibility timeout; assuming the SQS default', { integrationId: this.ctx.integrationId, error: classifyAwsError(e).error });
    }
    return SQS_DEFAULT_VISIBILITY_SECONDS;
  }

  private async extendVisibility(client: SQSClient, entries: HeldMessage[], seconds: number): Promise<string[]> {
    // Entry ids must be unique within the call and made of [A-Za-z0-9_-]: positions, not SQS message ids.
    const out = await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: this.cfg.queue_url,
        Entries: entries.map((e, i) => ({ Id: `m${i}`, ReceiptHandle: e.receiptHandle, VisibilityTimeout: seconds })),
      }),
      { abortSignal: AbortSignal.timeout(this.ctx.timeoutMs) },
    );
    return (out.Failed ?? []).map((f) => entries[Number(f.Id?.slice(1))]?.id).filter((id): id is string => id !== undefined);
  }

  private async pollLoop(client: SQSClient, handler: InboundHandler, keeper: VisibilityKeeper, signal: AbortSignal): Promise<void> {
    let backoffMs = 1000;
    while (!signal.aborted) {
      let messages: Message[];
      try {
        const out = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: this.cfg.queue_url,
            WaitTimeSeconds: this.cfg.wait_time_seconds,
            MaxNumberOfMessages: this.cfg.max_messages,
            VisibilityTimeout: this.cfg.visibility_timeout,
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
          { abortSignal: signal },
        );
        messages = out.Messages ?? [];
        backoffMs = 1000;
      } catch (e) {
        if (signal.aborted) return;
        this.ctx.logger.warn('SQS receive failed', { integrationId: this.ctx.integrationId, error: classifyAwsError(e).error, retryInMs: backoffMs });
        await abortableSleep(backoffMs, signal);
        backoffMs = Math.min(backoffMs * 2, 30000);
        continue;
      }
      // One at a time keeps FIFO order; the keeper holds the waiting ones invisible meanwhile.
      keeper.hold(messages.filter((m) => m.MessageId && m.ReceiptHandle).map((m) => ({ id: m.MessageId!, receiptHandle: m.ReceiptHandle! })));
      for (const m of messages) {
        if (signal.aborted) return; // undeleted messages reappear after the visibility timeout
        try {
          await this.handleOne(client, handler, m);
        } finally {
          keeper.release(m.MessageId ?? '');
        }
      }
    }
  }

  private async handleOne(client: SQSClient, handler: InboundHandler, m: Message): Promise<void> {
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.MessageAttributes ?? {})) if (v.StringValue !== undefined) attributes[k] = v.StringValue;
    if (m.Attributes?.ApproximateReceiveCount) attributes.approximate_receive_count = m.Attributes.ApproximateReceiveCount;
    try {
      await handler({ id: m.MessageId ?? '', data: parseBody(m.Body), attributes });
    } catch (e) {
      // Not deleted: SQS makes it visible again after the visibility timeout (and a redrive policy bounds the attempts).
      this.ctx.logger.warn('SQS message handler failed; message left on the queue', { messageId: m.MessageId, error: (e as Error).message });
      return;
    }
    try {
      await client.send(new DeleteMessageCommand({ QueueUrl: this.cfg.queue_url, ReceiptHandle: m.ReceiptHandle }), {
        abortSignal: AbortSignal.timeout(this.ctx.timeoutMs),
      });
    } catch (e) {
      this.ctx.logger.warn('SQS delete failed; the message will be received again', { messageId: m.MessageId, error: classifyAwsError(e).error });
    }
  }

  async stopListening(): Promise<void> {
    await this.listener.stop();
  }

  async close(): Promise<void> {
    await this.stopListening();
    // An open still in flight would otherwise leave a client behind.
    const client = this.client ?? (await this.opening?.catch(() => undefined));
    this.client = undefined;
    this.opening = undefined;
    client?.destroy();
  }
}

export const sqsPlugin: ConnectorPlugin = {
  type: IntegrationType.MESSAGE_QUEUE,
  directions: [Direction.OUTBOUND, Direction.INBOUND, Direction.BIDIRECTIONAL],
  authTypes: AWS_AUTH_TYPES,
  // Competing consumers: SQS hands each message to one receiver at a time.
  inboundConcurrency: 'all-replicas',
  description: 'Amazon SQS: sends events with delivery_id/event_type attributes (batches of 10), and long-polls a queue, deleting each message only once it was handled.',
  connectionFields: MESSAGE_QUEUE_FIELDS,
  validateConnection: validateSqsConnection,
  create: (context) => new SqsConnector(context),
};
