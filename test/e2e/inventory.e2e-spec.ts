import { CreateTagsCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateVolumeCommand, CreateVpcCommand, EC2Client, RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, PutBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient, PutRolePolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateClusterCommand as CreateEcsClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import { CreateClusterCommand as CreateEksClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { CreateLoadBalancerCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { connect, NatsConnection } from 'nats';
import { startMoto, SystemUnderTest, waitFor, type MotoServer } from '@app/testing';

/**
 * The fleet inventory through the gateway against moto (a real AWS API that keeps accounts and regions apart):
 * two accounts (moto's default one with the service's own credentials, and one reached by AssumeRole) × two
 * regions, a resource of every collected type, a sync, then changes and a second sync. A third account's role
 * cannot be assumed: moto enforces IAM while that account is involved (POST /moto-api/reset-auth) and the
 * service's user is denied sts:AssumeRole into 222222222222, so AWS's own AccessDenied message comes back.
 * Moto fails Lambda's ListTags under IAM enforcement (it recomputes the SigV4 signature over the decoded path and
 * refuses the SDK's correct one), so the enforced sync leaves lambda:function out; the other syncs cover it.
 */
const A = '123456789012';
const B = '111111111111';
const C = '222222222222';
const REGIONS = ['us-east-1', 'eu-west-1'];
const ROLE = 'FleetReader';
const tag = (Key: string, Value: string) => ({ Key, Value });
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);
const ALL_TYPES = [
  'dynamodb:table', 'ec2:instance', 'ec2:security-group', 'ec2:subnet', 'ec2:volume', 'ec2:vpc', 'ecs:cluster', 'eks:cluster',
  'elasticloadbalancing:loadbalancer', 'iam:role', 'lambda:function', 'rds:db-instance', 's3:bucket', 'sns:topic', 'sqs:queue',
];

interface Created {
  /** account|region|type|name of everything the test created (and expects to see). */
  keys: Set<string>;
  instances: Record<string, string>; // `${account}|${region}` → instance id
}

async function seed(moto: MotoServer, credsFor: (account: string) => AwsCredentialIdentity | (() => Promise<AwsCredentialIdentity>)): Promise<Created> {
  const keys = new Set<string>();
  const instances: Record<string, string> = {};
  const cfg = (account: string, region = 'us-east-1') => ({ region, endpoint: moto.endpoint, credentials: credsFor(account) });
  const add = (account: string, region: string, type: string, name: string) => keys.add(`${account}|${region}|${type}|${name}`);

  // Every (account, region): an instance and a queue.
  for (const account of [A, B]) {
    for (const region of REGIONS) {
      const ec2 = new EC2Client(cfg(account, region));
      const name = `web-${account.slice(0, 3)}-${region}`;
      const out = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags: [tag('Name', name), tag('env', 'test')] }] }));
      instances[`${account}|${region}`] = out.Instances![0].InstanceId!;
      add(account, region, 'ec2:instance', name);
      ec2.destroy();
      const sqs = new SQSClient(cfg(account, region));
      await sqs.send(new CreateQueueCommand({ QueueName: `q-${account.slice(0, 3)}-${region}`, tags: { team: 'app' } }));
      add(account, region, 'sqs:queue', `q-${account.slice(0, 3)}-${region}`);
      sqs.destroy();
    }
  }

  // Every other type in account A, us-east-1 (S3 also in eu-west-1).
  const ec2 = new EC2Client(cfg(A));
  await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 10, TagSpecifications: [{ ResourceType: 'volume', Tags: [tag('Name', 'data-a'), tag('team', 'storage')] }] }));
  add(A, 'us-east-1', 'ec2:volume', 'data-a');
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [tag('Name', 'app-vpc'), tag('team', 'net')] }] }))).Vpc!.VpcId!;
  add(A, 'us-east-1', 'ec2:vpc', 'app-vpc');
  const subnetIds: string[] = [];
  for (const [az, cidr] of [['us-east-1a', '10.1.1.0/24'], ['us-east-1b', '10.1.2.0/24']]) {
    const s = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: az, TagSpecifications: [{ ResourceType: 'subnet', Tags: [tag('Name', `app-${az}`), tag('team', 'net')] }] }));
    subnetIds.push(s.Subnet!.SubnetId!);
    add(A, 'us-east-1', 'ec2:subnet', `app-${az}`);
  }
  await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'app-sg-group', Description: 'app', VpcId: vpcId, TagSpecifications: [{ ResourceType: 'security-group', Tags: [tag('Name', 'app-sg'), tag('team', 'net')] }] }));
  add(A, 'us-east-1', 'ec2:security-group', 'app-sg');
  ec2.destroy();

  const s3 = new S3Client({ ...cfg(A), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'inv-a-use1' }));
  await s3.send(new PutBucketTaggingCommand({ Bucket: 'inv-a-use1', Tagging: { TagSet: [tag('team', 'data')] } }));
  add(A, 'us-east-1', 's3:bucket', 'inv-a-use1');
  const s3eu = new S3Client({ ...cfg(A, 'eu-west-1'), forcePathStyle: true });
  await s3eu.send(new CreateBucketCommand({ Bucket: 'inv-a-euw1', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  add(A, 'eu-west-1', 's3:bucket', 'inv-a-euw1');
  s3.destroy();
  s3eu.destroy();

  const iam = new IAMClient(cfg(A));
  const roleArn = (await iam.send(new CreateRoleCommand({ RoleName: 'inv-lambda-role', AssumeRolePolicyDocument: '{}', Tags: [tag('team', 'platform')] }))).Role!.Arn!;
  add(A, 'global', 'iam:role', 'inv-lambda-role');
  iam.destroy();

  const lambda = new LambdaClient(cfg(A));
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'inv-fn', Runtime: 'nodejs20.x', Role: roleArn, Handler: 'index.handler', Code: { ZipFile: EMPTY_ZIP }, Tags: { team: 'app' } }));
  add(A, 'us-east-1', 'lambda:function', 'inv-fn');
  lambda.destroy();

  const rds = new RDSClient(cfg(A));
  await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'inv-db', Engine: 'postgres', DBInstanceClass: 'db.t3.micro', AllocatedStorage: 20, MasterUsername: 'admin1', MasterUserPassword: 'password123', Tags: [tag('team', 'data')] }));
  add(A, 'us-east-1', 'rds:db-instance', 'inv-db');
  rds.destroy();

  const ddb = new DynamoDBClient(cfg(A));
  await ddb.send(new CreateTableCommand({ TableName: 'inv-table', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], Tags: [tag('team', 'data')] }));
  add(A, 'us-east-1', 'dynamodb:table', 'inv-table');
  ddb.destroy();

  const sns = new SNSClient(cfg(A));
  await sns.send(new CreateTopicCommand({ Name: 'inv-topic', Tags: [tag('team', 'app')] }));
  add(A, 'us-east-1', 'sns:topic', 'inv-topic');
  sns.destroy();

  const ecs = new ECSClient(cfg(A));
  await ecs.send(new CreateEcsClusterCommand({ clusterName: 'inv-ecs', tags: [{ key: 'team', value: 'containers' }] }));
  add(A, 'us-east-1', 'ecs:cluster', 'inv-ecs');
  ecs.destroy();

  const eks = new EKSClient(cfg(A));
  await eks.send(new CreateEksClusterCommand({ name: 'inv-eks', roleArn, resourcesVpcConfig: { subnetIds }, tags: { team: 'containers' } }));
  add(A, 'us-east-1', 'eks:cluster', 'inv-eks');
  eks.destroy();

  const elb = new ElasticLoadBalancingV2Client(cfg(A));
  await elb.send(new CreateLoadBalancerCommand({ Name: 'inv-alb', Subnets: subnetIds, Tags: [tag('team', 'edge')] }));
  add(A, 'us-east-1', 'elasticloadbalancing:loadbalancer', 'inv-alb');
  elb.destroy();

  // Account B: a bucket of its own (S3 is global per account) besides its instances and queues.
  const s3b = new S3Client({ ...cfg(B), forcePathStyle: true });
  await s3b.send(new CreateBucketCommand({ Bucket: 'inv-b-bucket' }));
  add(B, 'us-east-1', 's3:bucket', 'inv-b-bucket');
  s3b.destroy();
  return { keys, instances };
}

/** Moto's own defaults (default VPC, its subnets and security groups, instance root volumes) are not what the test created. */
function isMotoDefault(r: any): boolean {
  if (r.type === 'ec2:vpc') return r.properties.IsDefault === true;
  if (r.type === 'ec2:subnet') return r.properties.DefaultForAz === true;
  if (r.type === 'ec2:security-group') return r.properties.GroupName === 'default';
  if (r.type === 'ec2:volume') return (r.properties.Attachments ?? []).length > 0;
  return false;
}

describe(`Fleet inventory (${process.env.E2E_MODE ?? 'standalone'})`, () => {
  let moto: MotoServer;
  let sut: SystemUnderTest;
  let http: ReturnType<SystemUnderTest['api']>;
  let nc: NatsConnection | undefined;
  let created: Created;
  let serviceKey: AwsCredentialIdentity;
  const events: Array<{ subject: string; body: any }> = [];
  const roleArn = (account: string) => `arn:aws:iam::${account}:role/${ROLE}`;

  /** Credentials as moto sees them once IAM is enforced: the service's user in A, the role in B. */
  const credsFor = (account: string) => {
    if (account === A) return serviceKey;
    return async () => {
      const sts = new STSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: serviceKey });
      const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn(account), RoleSessionName: 'e2e' }));
      sts.destroy();
      return { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
    };
  };

  /** From `on` until `off`, moto authenticates and authorises every request against IAM, as AWS does. */
  async function enforceIam(on: boolean): Promise<void> {
    const res = await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: 'POST', body: on ? '0' : 'inf' });
    expect(res.status).toBe(200);
  }

  async function syncAndWait(body: Record<string, unknown> = {}): Promise<any> {
    const res = await http.post('/api/v1/inventory/sync', body);
    expect(res.status).toBe(202);
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    let run: any;
    await waitFor(
      async () => {
        run = (await http.get(`/api/v1/inventory/sync/${res.body.id}`)).body;
        return run.status !== 'RUNNING';
      },
      120_000,
      250,
      'the sync to finish',
    );
    return run;
  }

  async function listAll(query = ''): Promise<any[]> {
    const out: any[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await http.get(`/api/v1/resources?limit=1000${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      out.push(...res.body.items);
      cursor = res.body.next_cursor;
    } while (cursor);
    return out;
  }

  beforeAll(async () => {
    moto = await startMoto();
    const root = { accessKeyId: 'testing', secretAccessKey: 'testing' };
    // Before IAM is enforced: the service's user (all actions, but no AssumeRole into C) and the role in B.
    const iam = new IAMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: root });
    await iam.send(new CreateUserCommand({ UserName: 'fleet-service' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'fleet-service' }))).AccessKey!;
    serviceKey = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'fleet-service',
        PolicyName: 'fleet',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: '*', Resource: '*' },
            { Effect: 'Deny', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${C}:role/*` },
          ],
        }),
      }),
    );
    iam.destroy();
    const sts = new STSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: root });
    const bCreds = (await sts.send(new AssumeRoleCommand({ RoleArn: roleArn(B), RoleSessionName: 'setup' }))).Credentials!;
    sts.destroy();
    const iamB = new IAMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: bCreds.AccessKeyId!, secretAccessKey: bCreds.SecretAccessKey!, sessionToken: bCreds.SessionToken } });
    await iamB.send(new CreateRoleCommand({ RoleName: ROLE, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: 'sts:AssumeRole' }] }) }));
    await iamB.send(new PutRolePolicyCommand({ RoleName: ROLE, PolicyName: 'all', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) }));
    iamB.destroy();
    created = await seed(moto, credsFor);
    created.keys.add(`${B}|global|iam:role|${ROLE}`);

    sut = await SystemUnderTest.start(undefined, {
      env: { ...moto.env, AWS_ACCESS_KEY_ID: serviceKey.accessKeyId, AWS_SECRET_ACCESS_KEY: serviceKey.secretAccessKey, MCP_FLEET_SCHEDULER_INTERVAL_SECONDS: '0' },
    });
    http = sut.api();
    if (sut.mode === 'distributed') {
      nc = await connect({ servers: sut.natsUrl });
      const sub = nc.subscribe('fleet.>');
      void (async () => {
        for await (const m of sub) events.push({ subject: m.subject, body: JSON.parse(new TextDecoder().decode(m.data)) });
      })();
    }
  }, 240_000);

  afterAll(async () => {
    await nc?.close();
    await sut?.stop();
    await moto?.stop();
  }, 60_000);

  it('registers accounts, checks access at once, and never returns the external id', async () => {
    const a = await http.post('/api/v1/accounts', { account_id: A, name: 'default', regions: REGIONS, tags: { env: 'test' } });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ account_id: A, name: 'default', role_arn: null, regions: REGIONS, status: 'OK', status_message: null, enabled: true, sync_interval_minutes: 60, external_id_set: false });

    const b = await http.post('/api/v1/accounts', { account_id: B, name: 'member', role_arn: roleArn(B), external_id: 'ext-SECRET-123', regions: REGIONS });
    expect(b.status).toBe(201);
    expect(b.body).toMatchObject({ account_id: B, role_arn: roleArn(B), status: 'OK', external_id_set: true });
    expect(JSON.stringify(b.body)).not.toContain('ext-SECRET-123');

    await enforceIam(true);
    const c = await http.post('/api/v1/accounts', { account_id: C, name: 'locked', role_arn: roleArn(C), regions: ['us-east-1'] });
    await enforceIam(false);
    expect(c.status).toBe(201);
    expect(c.body.status).toBe('ERROR');
    expect(c.body.status_message).toMatch(/not authorized to perform: sts:AssumeRole/);

    const list = await http.get('/api/v1/accounts');
    expect(list.status).toBe(200);
    expect(list.body.items.map((x: any) => [x.account_id, x.status])).toEqual([[B, 'OK'], [A, 'OK'], [C, 'ERROR']]);
    expect(JSON.stringify(list.body)).not.toContain('ext-SECRET-123');

    expect((await http.post('/api/v1/accounts', { account_id: A, name: 'again', regions: REGIONS })).status).toBe(409);
  });

  it('syncs every account × region: the registry lists exactly what was created, with its account and region', async () => {
    const run = await syncAndWait({ account_ids: [A, B] });
    expect(run.tasks.filter((t: any) => t.status === 'FAILED')).toEqual([]);
    expect(run.status).toBe('SUCCEEDED');
    const tasks = run.tasks.map((t: any) => [t.account_id, t.region, t.status]).sort();
    expect(tasks).toEqual(
      [
        [A, 'eu-west-1', 'SUCCEEDED'], [A, 'global', 'SUCCEEDED'], [A, 'us-east-1', 'SUCCEEDED'],
        [B, 'eu-west-1', 'SUCCEEDED'], [B, 'global', 'SUCCEEDED'], [B, 'us-east-1', 'SUCCEEDED'],
      ].sort(),
    );
    for (const t of run.tasks) {
      expect(t.error).toBeNull();
      expect(t.duration_ms).toEqual(expect.any(Number));
      expect(t.resources_seen).toBeGreaterThan(0);
    }
    expect(run.tasks_total).toBe(6);
    expect(run.tasks_done).toBe(6);
    expect(run.tasks_failed).toBe(0);
    expect(run.discovered).toBe(run.resources_seen);
    expect(run.trigger).toBe('MANUAL');

    const all = await listAll();
    const seen = new Set(all.filter((r) => !isMotoDefault(r)).map((r) => `${r.account_id}|${r.region}|${r.type}|${r.name}`));
    expect([...seen].sort()).toEqual([...created.keys].sort());
    expect(new Set(all.map((r) => r.type))).toEqual(new Set(ALL_TYPES));
    for (const r of all) {
      expect(r.arn).toMatch(new RegExp(`^arn:aws:[^:]+:[^:]*:(${r.account_id})?:`));
      expect(r).toMatchObject({ removed_at: null, first_seen_at: expect.any(String), last_seen_at: expect.any(String) });
    }
    expect((await http.get(`/api/v1/accounts/${A}`)).body.last_sync_at).toEqual(expect.any(String));
  });

  it('queries by account, region, type, state, tags (all must match), name and pages by cursor', async () => {
    const instances = await listAll('&type=ec2:instance');
    expect(instances.map((r) => `${r.account_id}|${r.region}`).sort()).toEqual([`${A}|eu-west-1`, `${A}|us-east-1`, `${B}|eu-west-1`, `${B}|us-east-1`].sort());
    expect((await listAll(`&type=ec2:instance&account_id=${B}&region=eu-west-1&state=running`)).map((r) => r.name)).toEqual([`web-111-eu-west-1`]);
    expect((await listAll('&service=sqs')).length).toBe(4);
    expect((await listAll('&tag=team:data')).map((r) => r.name).sort()).toEqual(['inv-a-use1', 'inv-db', 'inv-table']);
    expect((await listAll('&tag=team:data&tag=Name:nope')).length).toBe(0);
    expect((await listAll('&tag=env:test&tag=Name:web-123-us-east-1')).map((r) => r.name)).toEqual(['web-123-us-east-1']);
    expect((await listAll('&q=INV-A')).map((r) => r.name).sort()).toEqual(['inv-a-euw1', 'inv-a-use1', 'inv-alb']);

    const everything = await listAll();
    const paged: any[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await http.get(`/api/v1/resources?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.body.items.length).toBeLessThanOrEqual(7);
      paged.push(...res.body.items);
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(paged.map((r) => r.arn)).toEqual(everything.map((r) => r.arn));
    expect(new Set(paged.map((r) => r.arn)).size).toBe(paged.length);

    const one = everything.find((r) => r.type === 'elasticloadbalancing:loadbalancer');
    const got = await http.get(`/api/v1/resources/${encodeURIComponent(one.arn)}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ arn: one.arn, name: 'inv-alb', account_id: A, region: 'us-east-1' });
    expect(got.body.properties).toEqual(expect.any(Object));

    const summary = await http.get('/api/v1/resources/summary');
    expect(summary.status).toBe(200);
    expect(summary.body.total).toBe(everything.length);
    expect(summary.body.by_type['ec2:instance']).toBe(4);
    expect(summary.body.by_account[A] + summary.body.by_account[B]).toBe(everything.length);
    expect(Object.keys(summary.body.by_region).sort()).toEqual(['eu-west-1', 'global', 'us-east-1']);
  });

  it('publishes removed and changed on the next sync after an instance is terminated and another retagged', async () => {
    const before = await listAll('&type=ec2:instance');
    const arnOf = (account: string, region: string) => before.find((r) => r.account_id === account && r.region === region).arn;
    const ec2A = new EC2Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials: credsFor(A) });
    await ec2A.send(new TerminateInstancesCommand({ InstanceIds: [created.instances[`${A}|us-east-1`]] }));
    ec2A.destroy();
    const ec2B = new EC2Client({ region: 'eu-west-1', endpoint: moto.endpoint, credentials: credsFor(B) });
    await ec2B.send(new CreateTagsCommand({ Resources: [created.instances[`${B}|eu-west-1`]], Tags: [tag('env', 'prod'), tag('owner', 'ops')] }));
    ec2B.destroy();
    events.length = 0;

    const run = await syncAndWait({ account_ids: [A, B] });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.tasks_total).toBe(6);
    expect(run.discovered).toBe(0);
    expect(run.removed).toBeGreaterThanOrEqual(1);
    expect(run.changed).toBeGreaterThanOrEqual(1);

    const terminated = arnOf(A, 'us-east-1');
    const retagged = arnOf(B, 'eu-west-1');
    const gone = await http.get(`/api/v1/resources/${encodeURIComponent(terminated)}`);
    expect(gone.body.removed_at).toEqual(expect.any(String));
    expect((await listAll('&type=ec2:instance')).map((r) => r.arn)).not.toContain(terminated);
    expect((await listAll('&type=ec2:instance&include_removed=true')).map((r) => r.arn)).toContain(terminated);
    const changed = await http.get(`/api/v1/resources/${encodeURIComponent(retagged)}`);
    expect(changed.body.tags).toEqual({ Name: 'web-111-eu-west-1', env: 'prod', owner: 'ops' });
    expect(changed.body.removed_at).toBeNull();

    // The change history records both, per resource and across the registry; a first discovery has no row.
    const history = await http.get(`/api/v1/resources/changes?arn=${encodeURIComponent(retagged)}`);
    expect(history.status).toBe(200);
    expect(history.body.items).toEqual([
      expect.objectContaining({ arn: retagged, account_id: B, kind: 'changed', sync_id: run.id, changes: expect.objectContaining({ tags: { added: { owner: 'ops' }, removed: [], changed: { env: { from: 'test', to: 'prod' } } } }) }),
    ]);
    const removedHistory = await http.get(`/api/v1/resources/changes?arn=${encodeURIComponent(terminated)}`);
    expect(removedHistory.body.items.map((c: any) => c.kind)).toEqual(['removed']);
    const recent = await http.get('/api/v1/resources/changes?limit=1');
    expect(recent.body.items).toHaveLength(1);
    const older = await http.get(`/api/v1/resources/changes?limit=1&cursor=${recent.body.next_cursor}`);
    expect(Number(older.body.items[0].id)).toBeLessThan(Number(recent.body.items[0].id));
    expect((await http.get('/api/v1/resources/changes?cursor=abc')).status).toBe(400);

    if (sut.mode === 'distributed') {
      await waitFor(() => events.some((e) => e.subject === 'fleet.sync.completed' && e.body.data.id === run.id), 10_000, 100, 'fleet.sync.completed');
      const removed = events.filter((e) => e.subject === 'fleet.resource.removed');
      expect(removed.map((e) => e.body.data.resource.arn)).toContain(terminated);
      const change = events.find((e) => e.subject === 'fleet.resource.changed' && e.body.data.resource.arn === retagged);
      expect(change?.body.type).toBe('fleet.resource.changed');
      expect(change?.body.subject).toBe(retagged);
      expect(change?.body.data.changes).toMatchObject({ fields: expect.arrayContaining(['tags']), tags: { added: { owner: 'ops' }, removed: [], changed: { env: { from: 'test', to: 'prod' } } } });
      expect(change?.body.data.sync_id).toBe(run.id);
      expect(events.filter((e) => e.subject === 'fleet.resource.discovered')).toEqual([]);
      expect(JSON.stringify(events)).not.toContain('ext-SECRET-123');
    }
  });

  it('shows the error of an account whose role cannot be assumed while the others sync, and removes nothing for it', async () => {
    const before = await listAll();
    await enforceIam(true);
    let run: any;
    try {
      run = await syncAndWait({ types: ALL_TYPES.filter((t) => t !== 'lambda:function') });
    } finally {
      await enforceIam(false);
    }
    expect(run.status).toBe('PARTIAL');
    expect(run.tasks.map((t: any) => [t.account_id, t.region, t.status]).sort()).toEqual(
      [
        [A, 'eu-west-1', 'SUCCEEDED'], [A, 'global', 'SUCCEEDED'], [A, 'us-east-1', 'SUCCEEDED'],
        [B, 'eu-west-1', 'SUCCEEDED'], [B, 'global', 'SUCCEEDED'], [B, 'us-east-1', 'SUCCEEDED'],
        [C, 'global', 'FAILED'], [C, 'us-east-1', 'FAILED'],
      ].sort(),
    );
    for (const t of run.tasks.filter((x: any) => x.account_id === C)) expect(t.error).toMatch(/user\/fleet-service is not authorized to perform: sts:AssumeRole/);
    expect(run.tasks_failed).toBe(2);
    expect(run.removed).toBe(0);
    expect(run.discovered).toBe(0);
    const c = await http.get(`/api/v1/accounts/${C}`);
    expect(c.body).toMatchObject({ status: 'ERROR', status_message: expect.stringMatching(/AccessDenied|not authorized/), status_checked_at: expect.any(String), last_sync_at: null });
    expect((await listAll()).map((r) => [r.arn, r.removed_at])).toEqual(before.map((r) => [r.arn, r.removed_at]));
  });

  it('updates and deletes accounts, checking access again on update', async () => {
    // IAM is no longer enforced, so moto now lets the role be assumed: the status follows the new check.
    const put = await http.put(`/api/v1/accounts/${C}`, { name: 'locked-2', role_arn: roleArn(C), regions: '*', sync_interval_minutes: 15, enabled: false });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ account_id: C, name: 'locked-2', regions: '*', sync_interval_minutes: 15, enabled: false, status: 'OK', status_message: null });
    expect((await http.delete(`/api/v1/accounts/${C}`)).status).toBe(204);
    expect((await http.get(`/api/v1/accounts/${C}`)).status).toBe(404);
    expect((await http.delete(`/api/v1/accounts/${C}`)).status).toBe(404);
  });

  it('registers every account of the AWS Organization through a member role name, leaving existing ones alone', async () => {
    const org = new OrganizationsClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: credsFor(A) });
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const created = await org.send(new CreateAccountCommand({ AccountName: 'member-two', Email: 'member-two@example.com' }));
    org.destroy();
    const memberId = created.CreateAccountStatus!.AccountId!;
    const res = await http.post('/api/v1/accounts/discover', { role_name: 'OrganizationAccountAccessRole', external_id: 'org-SECRET-9', regions: ['us-east-1'], enabled: false });
    expect(res.status).toBe(200);
    const outcome = Object.fromEntries(res.body.accounts.map((x: any) => [x.account_id, [x.outcome, x.role_arn]]));
    expect(outcome[A]).toEqual(['exists', null]);
    expect(outcome[memberId]).toEqual(['created', `arn:aws:iam::${memberId}:role/OrganizationAccountAccessRole`]);
    expect(res.body.created).toBe(1);
    const member = await http.get(`/api/v1/accounts/${memberId}`);
    expect(member.body).toMatchObject({ name: 'member-two', role_arn: `arn:aws:iam::${memberId}:role/OrganizationAccountAccessRole`, regions: ['us-east-1'], enabled: false, external_id_set: true });
    expect(JSON.stringify(member.body)).not.toContain('org-SECRET-9');
    // Running it again changes nothing.
    const again = await http.post('/api/v1/accounts/discover', { role_name: 'OrganizationAccountAccessRole' });
    expect(again.body.created).toBe(0);
    expect((await http.delete(`/api/v1/accounts/${memberId}`)).status).toBe(204);
  });

  it('answers bad input with 400 problem+json naming the field, and unknown ids with 404', async () => {
    const field = async (res: Promise<any>, name: string) => {
      const r = await res;
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.errors.map((e: any) => e.field)).toContain(name);
    };
    await field(http.post('/api/v1/accounts', { account_id: '123', name: 'x', regions: REGIONS }), 'account_id');
    await field(http.post('/api/v1/accounts', { account_id: '333333333333', name: 'x', regions: ['mars-1'] }), 'regions');
    await field(http.post('/api/v1/accounts', { account_id: '333333333333', name: 'x', regions: REGIONS, role_arn: roleArn(B) }), 'role_arn');
    await field(http.post('/api/v1/accounts', { account_id: '333333333333', name: 'x', regions: REGIONS, sync_interval_minutes: 1 }), 'sync_interval_minutes');
    await field(http.post('/api/v1/accounts', { account_id: '333333333333', name: 'x', regions: REGIONS, extra: 1 }), 'extra');
    await field(http.put(`/api/v1/accounts/abc`, { name: 'x', regions: REGIONS }), 'account_id');
    await field(http.post('/api/v1/accounts/discover', { role_name: 'bad role name!' }), 'role_name');
    await field(http.get('/api/v1/accounts/12'), 'account_id');
    await field(http.get('/api/v1/resources?limit=0'), 'limit');
    await field(http.get('/api/v1/resources?tag=novalue'), 'tag');
    await field(http.get('/api/v1/resources?account_id=1'), 'account_id');
    await field(http.get('/api/v1/resources?include_removed=maybe'), 'include_removed');
    await field(http.get('/api/v1/resources?cursor=bm9wZQ'), 'cursor');
    await field(http.get('/api/v1/resources/not-an-arn'), 'arn');
    await field(http.post('/api/v1/inventory/sync', { types: ['nope:thing'] }), 'types');
    await field(http.post('/api/v1/inventory/sync', { regions: ['nowhere'] }), 'regions');
    await field(http.post('/api/v1/inventory/sync', { account_ids: 'x' }), 'account_ids');
    await field(http.get('/api/v1/inventory/sync/not-a-uuid'), 'id');

    expect((await http.get('/api/v1/accounts/999999999999')).status).toBe(404);
    expect((await http.put('/api/v1/accounts/999999999999', { name: 'x', regions: REGIONS })).status).toBe(404);
    expect((await http.get(`/api/v1/resources/${encodeURIComponent('arn:aws:ec2:us-east-1:123456789012:instance/i-nope')}`)).status).toBe(404);
    const sync404 = await http.get('/api/v1/inventory/sync/6f1c2b1e-3c2d-4a9e-8f7a-0d9c1b2a3e4f');
    expect(sync404.status).toBe(404);
    expect(sync404.body.code).toBe('SYNC_NOT_FOUND');
    const unknownAccount = await http.post('/api/v1/inventory/sync', { account_ids: ['999999999999'] });
    expect(unknownAccount.status).toBe(404);
    expect(unknownAccount.body.code).toBe('ACCOUNT_NOT_FOUND');
  });
});
