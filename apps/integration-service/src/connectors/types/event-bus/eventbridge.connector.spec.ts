import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AuthType, Direction } from '@app/contracts';
import { MotoServer, startMoto } from '../../../../../../test/support/moto';
import { freePort, waitFor } from '../../../../../../test/support/ports';
import { testContext, testMessage } from '../../../../../../test/support/connector-context';
import { rebindingDns } from '../../../../../../test/support/connectors/rebinding-dns';
import { EventBridgeConnector } from './eventbridge.connector';
import { eventBusPlugin } from './event-bus.plugin';

const AUTH = { type: AuthType.AWS_SIG_V4, access_key_id: 'testing', secret_access_key: 'testing' };
const CREDS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

describe('EVENT_BUS (EventBridge) connector against moto', () => {
  let moto: MotoServer;
  let sqs: SQSClient;
  let eb: EventBridgeClient;
  let queueUrl: string;
  const open: EventBridgeConnector[] = [];
  const make = (connection: Record<string, unknown>, direction = Direction.OUTBOUND, auth: Record<string, unknown> = AUTH) => {
    const c = eventBusPlugin.create(
      testContext({ type: 'EVENT_BUS', direction, auth, connection: { provider: 'eventbridge', region: 'us-east-1', endpoint: moto.endpoint, source: 'aws-mcp.test', ...connection } }),
    ) as EventBridgeConnector;
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    moto = await startMoto();
    sqs = new SQSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: CREDS });
    eb = new EventBridgeClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: CREDS });
    // A rule on a custom bus that forwards our source to a queue, which the test reads back.
    await eb.send(new CreateEventBusCommand({ Name: 'fleet-bus' }));
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'eb-target' }))).QueueUrl as string;
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    await eb.send(new PutRuleCommand({ Name: 'to-queue', EventBusName: 'fleet-bus', EventPattern: JSON.stringify({ source: ['aws-mcp.test'] }) }));
    await eb.send(new PutTargetsCommand({ Rule: 'to-queue', EventBusName: 'fleet-bus', Targets: [{ Id: 'q', Arn: arn }] }));
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    sqs?.destroy();
    eb?.destroy();
    await moto?.stop();
  });

  it('validates the connection', () => {
    expect(eventBusPlugin.validateConnection({ provider: 'eventbridge', source: 'aws-mcp', region: 'eu-west-1' })).toEqual([]);
    const fields = eventBusPlugin.validateConnection({ provider: 'eventbridge', source: 'aws.ec2', region: 'x', event_bus_name: 'bad name', endpoint: 'ftp://x' }).map((e) => e.field);
    expect(fields.sort()).toEqual(['endpoint', 'event_bus_name', 'region', 'source']);
    expect(eventBusPlugin.validateConnection({ provider: 'eventbridge', source: 'aws-mcp', region: 'eu-west-1' }, Direction.INBOUND)).toEqual([{ field: 'provider', message: expect.stringContaining('outbound only') }]);
  });

  it('PutEvents reaches a rule target: the detail is the CloudEvent with the delivery id', async () => {
    const c = make({ event_bus_name: 'fleet-bus' });
    await c.initialize();
    const m = testMessage({ instance: 'i-9' });
    expect(await c.send(m)).toMatchObject({ ok: true, statusCode: 200 });
    const got: Message[] = [];
    await waitFor(async () => {
      got.push(...((await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }))).Messages ?? []));
      return got.length > 0;
    }, 10000, 10, 'event on the target queue');
    const envelope = JSON.parse(got[0].Body as string);
    expect(envelope).toMatchObject({ source: 'aws-mcp.test', 'detail-type': m.event.type, detail: { ...m.event, deliveryid: m.deliveryId } });
  });

  it('a refused entry (FailedEntryCount > 0 in a 200 answer) is a non-retryable failure', async () => {
    const m = testMessage();
    m.event.type = ''; // no detail_type configured, so DetailType is empty and EventBridge refuses the entry
    expect(await make({ event_bus_name: 'fleet-bus' }).send(m)).toMatchObject({ ok: false, retryable: false, statusCode: 200, error: expect.stringMatching(/^InvalidArgument/) });
  });

  it('NONE auth uses the default credential chain (here: environment variables)', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    try {
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
      // Nothing else in the chain may answer: no profile files, no instance metadata.
      Object.assign(process.env, { AWS_EC2_METADATA_DISABLED: 'true', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_CONFIG_FILE: '/nonexistent/config' });
      expect(await make({ event_bus_name: 'fleet-bus' }, Direction.OUTBOUND, { type: AuthType.NONE }).send(testMessage())).toMatchObject({ ok: false, retryable: false });
      process.env.AWS_ACCESS_KEY_ID = moto.env.AWS_ACCESS_KEY_ID;
      process.env.AWS_SECRET_ACCESS_KEY = moto.env.AWS_SECRET_ACCESS_KEY;
      expect(await make({ event_bus_name: 'fleet-bus' }, Direction.OUTBOUND, { type: AuthType.NONE }).send(testMessage())).toMatchObject({ ok: true });
    } finally {
      for (const [k, v] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      for (const k of ['AWS_EC2_METADATA_DISABLED', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE']) delete process.env[k];
    }
  });

  it('health: an existing bus is healthy, a missing one is not', async () => {
    expect(await make({ event_bus_name: 'fleet-bus' }).healthCheck()).toMatchObject({ healthy: true, details: { arn: expect.stringContaining('fleet-bus') } });
    const missing = make({ event_bus_name: 'no-such-bus' });
    expect(await missing.healthCheck()).toMatchObject({ healthy: false, error: expect.stringMatching(/ResourceNotFound/) });
    await expect(missing.initialize()).rejects.toMatchObject({ retryable: false });
  });

  it('refuses the INBOUND direction with a pointer to SQS', async () => {
    await expect(make({ event_bus_name: 'fleet-bus' }, Direction.INBOUND).initialize()).rejects.toThrow(/outbound only/);
  });

  it('endpoint down: unhealthy with a reason and send is retryable', async () => {
    const c = make({ endpoint: `http://127.0.0.1:${await freePort()}` });
    expect(await c.healthCheck()).toMatchObject({ healthy: false, error: expect.stringMatching(/ECONNREFUSED|connect/i) });
    expect(await c.send(testMessage())).toMatchObject({ ok: false, retryable: true });
  });
  it('a named endpoint is reached only through the guard, which refuses it once the name rebinds', async () => {
    // eb.rebind.test has no DNS: the SDK gets to moto only with the guard's answer (one per new socket).
    const endpoint = `http://eb.rebind.test:${new URL(moto.endpoint).port}`;
    const dns = rebindingDns(['127.0.0.1'], ['169.254.169.254']);
    const connect = () => {
      const c = new EventBridgeConnector(testContext({ type: 'EVENT_BUS', auth: AUTH, connection: { provider: 'eventbridge', region: 'us-east-1', endpoint, source: 'aws-mcp.test', event_bus_name: 'fleet-bus' } }), dns.lookup);
      open.push(c);
      return c;
    };
    expect(await connect().send(testMessage())).toMatchObject({ ok: true });
    expect(await connect().send(testMessage())).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/169\.254\.169\.254/) });
    expect(dns.asked).toEqual(['eb.rebind.test', 'eb.rebind.test']);
  });
});
