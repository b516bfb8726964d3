import { CreateQueueCommand, GetQueueAttributesCommand, Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AuthType, Direction } from '@app/contracts';
import { MotoServer, startMoto } from '../../../../../../test/support/moto';
import { freePort, waitFor } from '../../../../../../test/support/ports';
import { testContext, testMessage } from '../../../../../../test/support/connector-context';
import { InboundMessage } from '../../connector.port';
import { rebindingDns } from '../../../../../../test/support/connectors/rebinding-dns';
import { SqsConnector, sqsPlugin } from './sqs.connector';

const AUTH = { type: AuthType.AWS_SIG_V4, access_key_id: 'testing', secret_access_key: 'testing' };

describe('MESSAGE_QUEUE (SQS) connector against moto', () => {
  let moto: MotoServer;
  let raw: SQSClient;
  const open: SqsConnector[] = [];
  let n = 0;

  const make = (connection: Record<string, unknown>, direction = Direction.OUTBOUND) => {
    const c = sqsPlugin.create(testContext({ type: 'MESSAGE_QUEUE', connection: { region: 'us-east-1', endpoint: moto.endpoint, ...connection }, direction, auth: AUTH })) as SqsConnector;
    open.push(c);
    return c;
  };
  const queue = async (fifo = false, attrs: Record<string, string> = {}) => {
    const name = `q${++n}${fifo ? '.fifo' : ''}`;
    const out = await raw.send(new CreateQueueCommand({ QueueName: name, Attributes: { ...(fifo ? { FifoQueue: 'true' } : {}), ...attrs } }));
    return out.QueueUrl as string;
  };
  const drain = async (url: string, expected: number): Promise<Message[]> => {
    const got: Message[] = [];
    await waitFor(async () => {
      const out = await raw.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }));
      got.push(...(out.Messages ?? []));
      return got.length >= expected;
    }, 10000, 10, `${expected} messages`);
    return got;
  };
  const counts = async (url: string) => {
    const out = await raw.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    return Number(out.Attributes?.ApproximateNumberOfMessages) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible);
  };

  beforeAll(async () => {
    moto = await startMoto();
    raw = new SQSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    raw?.destroy();
    await moto?.stop();
  });

  it('validates the connection', () => {
    expect(sqsPlugin.validateConnection({ queue_url: 'https://sqs.us-east-1.amazonaws.com/1/q', region: 'us-east-1' })).toEqual([]);
    const fields = sqsPlugin.validateConnection({ queue_url: 'ftp://x/q.fifo', region: 'mars', wait_time_seconds: 21, max_messages: 0, max_visibility_seconds: 43201 }).map((e) => e.field);
    expect(fields.sort()).toEqual(['max_messages', 'max_visibility_seconds', 'message_group_id', 'queue_url', 'region', 'wait_time_seconds']);
  });

  it('sends the event with delivery_id and event_type attributes', async () => {
    const url = await queue();
    const c = make({ queue_url: url });
    await c.initialize();
    const m = testMessage({ instance: 'i-1' });
    expect(await c.send(m)).toMatchObject({ ok: true, statusCode: 200 });
    const [got] = await drain(url, 1);
    expect(JSON.parse(got.Body as string)).toEqual(m.event);
    expect(got.MessageAttributes?.delivery_id?.StringValue).toBe(m.deliveryId);
    expect(got.MessageAttributes?.event_type?.StringValue).toBe('fleet.resource.discovered');
  });

  it('FIFO: the delivery id deduplicates a retried send', async () => {
    const url = await queue(true);
    const c = make({ queue_url: url, message_group_id: 'fleet' });
    const m = testMessage();
    expect((await c.send(m)).ok).toBe(true);
    expect((await c.send({ ...m, attempt: 2 })).ok).toBe(true);
    expect((await c.send(testMessage())).ok).toBe(true);
    expect(await counts(url)).toBe(2);
  });

  it('sendBatch splits into calls of 10 and reports each entry, including an oversized one', async () => {
    const url = await queue();
    const c = make({ queue_url: url });
    const msgs = Array.from({ length: 23 }, (_, i) => testMessage({ i }));
    msgs.splice(5, 0, testMessage({ big: 'x'.repeat(300 * 1024) }));
    const results = await c.sendBatch(msgs);
    expect(results.map((r) => r.deliveryId)).toEqual(msgs.map((m) => m.deliveryId));
    expect(results.filter((r) => r.ok)).toHaveLength(23);
    expect(results[5]).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('limit') });
    const got = await drain(url, 23);
    expect(new Set(got.map((g) => g.MessageAttributes?.delivery_id?.StringValue)).size).toBe(23);
  });

  it('inbound: a rejected message comes back after the visibility timeout; a handled one is deleted', async () => {
    const url = await queue();
    const producer = make({ queue_url: url });
    const m = testMessage({ order: 1 });
    await producer.send(m);
    const c = make({ queue_url: url, wait_time_seconds: 1, visibility_timeout: 1 }, Direction.INBOUND);
    const seen: InboundMessage[] = [];
    await c.startListening(async (msg) => {
      seen.push(msg);
      if (seen.length === 1) throw new Error('downstream unavailable');
    });
    await waitFor(() => seen.length >= 2, 15000, 50, 'redelivery');
    await c.stopListening();
    expect(seen[0].id).toBe(seen[1].id);
    expect(seen[1].data).toEqual(m.event);
    expect(seen[1].attributes).toMatchObject({ delivery_id: m.deliveryId, event_type: m.event.type, approximate_receive_count: '2' });
    await waitFor(async () => (await counts(url)) === 0, 5000, 100, 'message deleted');
  });

  /**
   * Two listeners on one queue (two replicas), handlers three times slower than the visibility timeout, three
   * messages: the first receive usually takes all three, so the last waits two handlers' time before its own.
   */
  const slowConsumers = async (connection: Record<string, unknown>, handlerMs: number, waitFor_: (seen: InboundMessage[]) => boolean) => {
    const url = await queue(false, { VisibilityTimeout: '2' });
    const producer = make({ queue_url: url });
    for (let i = 0; i < 3; i++) expect((await producer.send(testMessage({ i }))).ok).toBe(true);
    const seen: InboundMessage[] = [];
    const consumers = [0, 1].map(() => make({ queue_url: url, wait_time_seconds: 1, ...connection }, Direction.INBOUND));
    for (const c of consumers) {
      await c.startListening(async (msg) => {
        seen.push(msg);
        await new Promise((r) => setTimeout(r, handlerMs));
      });
    }
    await waitFor(() => waitFor_(seen), 40000, 100, 'the messages to be handled');
    return { url, seen, consumers };
  };

  it('inbound: a handler slower than the visibility timeout gets each message exactly once (visibility extended meanwhile)', async () => {
    const { url, seen, consumers } = await slowConsumers({}, 6000, (s) => s.length >= 3);
    await waitFor(async () => (await counts(url)) === 0, 15000, 200, 'every message deleted');
    // No fixed wait for "nothing more arrives": a message that had become visible again during a 6 s handler would
    // have been received by then (the other consumer polls all along) and shows in `seen` or in its receive count;
    // once deleted it cannot come back. Stopping first lets any receive in hand reach the handler before we look.
    for (const c of consumers) await c.stopListening();
    expect(seen.map((m) => (m.data as { data: { i: number } }).data.i).sort()).toEqual([0, 1, 2]);
    expect(seen.every((m) => m.attributes?.approximate_receive_count === '1')).toBe(true);
  }, 60000);

  it('inbound: past max_visibility_seconds a message is let go, so a stuck handler still gives it to another consumer', async () => {
    const { seen, consumers } = await slowConsumers({ max_visibility_seconds: 3 }, 8000, (s) => new Set(s.map((m) => m.id)).size < s.length);
    for (const c of consumers) await c.stopListening();
    const again = seen.find((m) => m.attributes?.approximate_receive_count === '2');
    expect(again).toBeDefined();
  }, 60000);

  it('stopListening ends a 20 s long poll at once; later messages stay on the queue', async () => {
    // The server may still hand a message to the abandoned poll; a 1 s visibility timeout returns it quickly.
    const url = await queue(false, { VisibilityTimeout: '1' });
    const c = make({ queue_url: url }, Direction.INBOUND); // wait_time_seconds defaults to 20
    const seen: InboundMessage[] = [];
    await c.startListening(async (msg) => {
      seen.push(msg);
    });
    await new Promise((r) => setTimeout(r, 300)); // let the first ReceiveMessage be in flight
    await c.stopListening();
    await make({ queue_url: url }).send(testMessage());
    expect(await drain(url, 1)).toHaveLength(1);
    expect(seen).toEqual([]);
  });

  it('a queue that does not exist is a non-retryable failure', async () => {
    const c = make({ queue_url: `${moto.endpoint}/123456789012/missing` });
    expect(await c.send(testMessage())).toMatchObject({ ok: false, retryable: false, statusCode: 400 });
    expect(await c.healthCheck()).toMatchObject({ healthy: false, error: expect.stringMatching(/NonExistentQueue|QueueDoesNotExist/) });
    await expect(c.initialize()).rejects.toMatchObject({ retryable: false, statusCode: 400 });
  });

  it('endpoint down: unhealthy with a reason, send is retryable, initialize throws', async () => {
    const port = await freePort();
    const c = make({ queue_url: `http://127.0.0.1:${port}/123456789012/q`, endpoint: `http://127.0.0.1:${port}` });
    const h = await c.healthCheck();
    expect(h.healthy).toBe(false);
    expect(h.error).toMatch(/ECONNREFUSED|connect/i);
    expect(await c.send(testMessage())).toMatchObject({ ok: false, retryable: true });
    await expect(c.initialize()).rejects.toMatchObject({ retryable: true, message: expect.stringMatching(/ECONNREFUSED|connect/i) });
  });

  it('refuses a private endpoint the outbound policy does not allow', async () => {
    const ctx = { ...testContext({ type: 'MESSAGE_QUEUE', connection: { region: 'us-east-1', queue_url: `${moto.endpoint}/123456789012/q1`, endpoint: moto.endpoint }, auth: AUTH }), outbound: { allow: [] } };
    const c = sqsPlugin.create(ctx) as SqsConnector;
    open.push(c);
    expect(await c.send(testMessage())).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/refused/) });
  });
  describe('DNS rebinding: the SDK connects only to addresses the guard checked', () => {
    // moto.rebind.test has no DNS: the SDK reaches moto only with the guard's answers, one per new socket.
    const named = () => `http://moto.rebind.test:${new URL(moto.endpoint).port}`;
    const through = (connection: Record<string, unknown>, dns: ReturnType<typeof rebindingDns>) => {
      const c = new SqsConnector(testContext({ type: 'MESSAGE_QUEUE', auth: AUTH, connection: { region: 'us-east-1', ...connection } }), dns.lookup);
      open.push(c);
      return c;
    };

    it('a custom endpoint: every new connection after the name rebinds to the metadata address is refused', async () => {
      const dns = rebindingDns(['127.0.0.1'], ['169.254.169.254']);
      const c = through({ endpoint: named(), queue_url: (await queue()).replace(moto.endpoint, named()) }, dns);
      expect(await c.send(testMessage())).toMatchObject({ ok: true });
      const later = await Promise.all([c.send(testMessage()), c.send(testMessage()), c.send(testMessage())]);
      // A request on the first, kept-alive socket may still pass; each one that needed a new socket asked again.
      const refused = later.filter((r) => !r.ok);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.length).toBe(dns.asked.length - 1);
      for (const r of refused) expect(r).toMatchObject({ retryable: false, error: expect.stringMatching(/169\.254\.169\.254/) });
    });

    it('no endpoint: the queue URL is where the SDK goes, through the guard too', async () => {
      const dns = rebindingDns(['127.0.0.1']);
      const c = through({ queue_url: (await queue()).replace(moto.endpoint, named()) }, dns);
      expect(await c.send(testMessage())).toMatchObject({ ok: true });
      expect(dns.asked).toEqual(['moto.rebind.test']);
    });
  });
});
