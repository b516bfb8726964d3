import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVolumeCommand, CreateVpcCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, GetBucketLocationCommand, PutBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateFunctionCommand, LambdaClient, ListTagsCommand } from '@aws-sdk/client-lambda';
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateRoleCommand, IAMClient, ListRolesCommand, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import { CreateClusterCommand as CreateEcsClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import { CreateClusterCommand as CreateEksClusterCommand, DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { CreateLoadBalancerCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { startMoto, type MotoServer } from '@app/testing';
import { awsClientConfig } from '../aws-client-config';
import { AccountCredentials } from '../credentials/account-credentials';
import type { CollectContext, CollectedResource, ResourceCollector } from '../inventory.types';
import { CollectorRegistry } from './collector.registry';
import { NOT_FOUND, unlessGone } from './collector.utils';

const A = '123456789012'; // moto's default account (the service's own credentials)
const B = '111111111111'; // reached by assuming a role
const REGIONS = ['us-east-1', 'eu-west-1'];
const HOME = 'us-east-1';
// Smallest page each API accepts (clamped per collector), so every paginated call that has data beyond it turns a page.
const PAGE_SIZE = 2;
const EXPECTED_TYPES = [
  'ec2:instance', 'ec2:volume', 'ec2:vpc', 'ec2:subnet', 'ec2:security-group', 's3:bucket', 'lambda:function', 'rds:db-instance',
  'dynamodb:table', 'sqs:queue', 'sns:topic', 'iam:role', 'ecs:cluster', 'eks:cluster', 'elasticloadbalancing:loadbalancer',
];

/** What an orchestrator does: regional collectors per region, global ones once from the home region. */
async function collectAccount(registry: CollectorRegistry, base: Omit<CollectContext, 'region'>, regions = REGIONS): Promise<CollectedResource[]> {
  const out: CollectedResource[] = [];
  const run = async (c: ResourceCollector, region: string) => {
    for await (const r of c.collect({ ...base, region })) out.push(r);
  };
  for (const c of registry.list({ global: true })) await run(c, HOME);
  for (const region of regions) for (const c of registry.list({ global: false })) await run(c, region);
  return out;
}

const testClientConfig = (region = HOME) => ({ region, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
let moto: MotoServer;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

const ofType = (rs: CollectedResource[], type: string) => rs.filter((r) => r.type === type);
const names = (rs: CollectedResource[]) => rs.map((r) => r.name).sort();
const tag = (Key: string, Value: string) => ({ Key, Value });

// Smallest valid zip (an empty archive): moto stores Lambda code without running it.
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);

interface Seeded {
  rootVolumes: Record<string, string[]>;
  volumeId: string;
  vpcId: string;
}

async function seedAccountA(moto: MotoServer, credentials: AwsCredentialIdentityProvider): Promise<Seeded> {
  const cfg = (region = HOME) => awsClientConfig({ region, credentials, endpoint: moto.endpoint });
  const rootVolumes: Record<string, string[]> = {};
  for (const region of REGIONS) rootVolumes[region] = await runInstance(cfg(region), `web-a-${region}`);

  const ec2 = new EC2Client(cfg());
  const volumeId = (await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 10, TagSpecifications: [{ ResourceType: 'volume', Tags: [tag('Name', 'data-a'), tag('team', 'storage')] }] }))).VolumeId!;
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [tag('Name', 'app-vpc'), tag('team', 'net')] }] }))).Vpc!.VpcId!;
  const subnetIds: string[] = [];
  for (const [az, cidr] of [['us-east-1a', '10.1.1.0/24'], ['us-east-1b', '10.1.2.0/24']]) {
    const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: az, TagSpecifications: [{ ResourceType: 'subnet', Tags: [tag('Name', `app-${az}`), tag('team', 'net')] }] }));
    subnetIds.push(subnet.Subnet!.SubnetId!);
  }
  await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'app-sg-group', Description: 'app', VpcId: vpcId, TagSpecifications: [{ ResourceType: 'security-group', Tags: [tag('Name', 'app-sg'), tag('team', 'net')] }] }));
  ec2.destroy();

  const s3 = new S3Client({ ...cfg(), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'fleet-a-use1' }));
  await s3.send(new PutBucketTaggingCommand({ Bucket: 'fleet-a-use1', Tagging: { TagSet: [tag('team', 'data')] } }));
  await s3.send(new CreateBucketCommand({ Bucket: 'fleet-a-use1-logs' }));
  const s3eu = new S3Client({ ...cfg('eu-west-1'), forcePathStyle: true });
  await s3eu.send(new CreateBucketCommand({ Bucket: 'fleet-a-euw1', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  s3.destroy();
  s3eu.destroy();

  const iam = new IAMClient(cfg());
  const roleArn = (await iam.send(new CreateRoleCommand({ RoleName: 'fleet-lambda-role', AssumeRolePolicyDocument: '{}', Tags: [tag('team', 'platform')] }))).Role!.Arn!;
  for (const RoleName of ['fleet-ops-role', 'fleet-ci-role']) await iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: '{}', Tags: [tag('role', RoleName)] }));
  iam.destroy();

  const lambda = new LambdaClient(cfg());
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'fleet-fn', Runtime: 'nodejs20.x', Role: roleArn, Handler: 'index.handler', Code: { ZipFile: EMPTY_ZIP }, Tags: { team: 'app' } }));
  lambda.destroy();

  const rds = new RDSClient(cfg());
  await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'fleet-db', Engine: 'postgres', DBInstanceClass: 'db.t3.micro', AllocatedStorage: 20, MasterUsername: 'admin1', MasterUserPassword: 'password123', Tags: [tag('team', 'data')] }));
  rds.destroy();

  const ddb = new DynamoDBClient(cfg());
  for (let i = 0; i < 5; i++) {
    await ddb.send(new CreateTableCommand({ TableName: `fleet-t${i}`, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], Tags: [tag('team', 'data'), tag('idx', String(i))] }));
  }
  ddb.destroy();

  const sqs = new SQSClient(cfg());
  for (const q of ['fleet-q1', 'fleet-q2', 'fleet-q3']) await sqs.send(new CreateQueueCommand({ QueueName: q, tags: { team: 'app' } }));
  sqs.destroy();
  const sqsEu = new SQSClient(cfg('eu-west-1'));
  await sqsEu.send(new CreateQueueCommand({ QueueName: 'fleet-eu-q', tags: { team: 'eu' } }));
  sqsEu.destroy();

  const sns = new SNSClient(cfg());
  await sns.send(new CreateTopicCommand({ Name: 'fleet-topic', Tags: [tag('team', 'app')] }));
  sns.destroy();

  const ecs = new ECSClient(cfg());
  await ecs.send(new CreateEcsClusterCommand({ clusterName: 'fleet-ecs', tags: [{ key: 'team', value: 'containers' }] }));
  ecs.destroy();

  const eks = new EKSClient(cfg());
  await eks.send(new CreateEksClusterCommand({ name: 'fleet-eks', roleArn, resourcesVpcConfig: { subnetIds }, tags: { team: 'containers' } }));
  eks.destroy();

  const elb = new ElasticLoadBalancingV2Client(cfg());
  await elb.send(new CreateLoadBalancerCommand({ Name: 'fleet-alb', Subnets: subnetIds, Tags: [tag('team', 'edge')] }));
  elb.destroy();

  return { rootVolumes, volumeId, vpcId };
}

/** Launches one tagged instance; returns the root volume(s) RunInstances created with it. */
async function runInstance(config: ReturnType<typeof awsClientConfig>, name: string): Promise<string[]> {
  const ec2 = new EC2Client(config);
  try {
    const out = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags: [tag('Name', name), tag('env', 'test')] }] }));
    return (out.Instances ?? []).flatMap((i) => (i.BlockDeviceMappings ?? []).map((m) => m.Ebs!.VolumeId!));
  } finally {
    ec2.destroy();
  }
}

async function seedAccountB(moto: MotoServer, credentials: AwsCredentialIdentityProvider): Promise<void> {
  const cfg = (region = HOME) => awsClientConfig({ region, credentials, endpoint: moto.endpoint });
  for (const region of REGIONS) await runInstance(cfg(region), `web-b-${region}`);
  const s3 = new S3Client({ ...cfg(), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'fleet-b-bucket' }));
  s3.destroy();
  const sqs = new SQSClient(cfg());
  await sqs.send(new CreateQueueCommand({ QueueName: 'b-queue' }));
  sqs.destroy();
  const iam = new IAMClient(cfg());
  await iam.send(new CreateRoleCommand({ RoleName: 'b-role', AssumeRolePolicyDocument: '{}' }));
  iam.destroy();
}

describe('resource collectors against moto', () => {
  let seeded: Seeded;
  let resourcesA: CollectedResource[];
  let resourcesB: CollectedResource[];
  const registry = new CollectorRegistry();

  beforeAll(async () => {
    const accounts = new AccountCredentials({ endpoint: moto.endpoint, baseCredentials: async () => ({ accessKeyId: 'testing', secretAccessKey: 'testing' }) });
    const credsA = accounts.forAccount({ account_id: A }, HOME);
    const credsB = accounts.forAccount({ account_id: B, role_arn: `arn:aws:iam::${B}:role/FleetReader`, external_id: 'ext' }, HOME);
    seeded = await seedAccountA(moto, credsA);
    await seedAccountB(moto, credsB);
    resourcesA = await collectAccount(registry, { accountId: A, credentials: credsA, endpoint: moto.endpoint, pageSize: PAGE_SIZE });
    resourcesB = await collectAccount(registry, { accountId: B, credentials: credsB, endpoint: moto.endpoint, pageSize: PAGE_SIZE });
  }, 80_000);

  it('registers the 15 built-in types, two of them global', () => {
    expect(registry.list().map((c) => c.type).sort()).toEqual([...EXPECTED_TYPES].sort());
    expect(registry.list({ global: true }).map((c) => c.type).sort()).toEqual(['iam:role', 's3:bucket']);
  });

  it('returns every resource in the registry shape, JSON-safe, for its own account', () => {
    for (const r of [...resourcesA, ...resourcesB]) {
      expect(Object.keys(r).sort()).toEqual(['account_id', 'arn', 'created_at', 'name', 'properties', 'region', 'service', 'state', 'tags', 'type']);
      expect(r.arn).toMatch(/^arn:aws:/);
      expect(r.name).not.toBe('');
      expect(r.state).not.toBe('');
      expect(r.type.startsWith(`${r.service}:`)).toBe(true);
      expect(JSON.parse(JSON.stringify(r.properties))).toEqual(r.properties);
      if (r.created_at !== null) expect(new Date(r.created_at).toISOString()).toBe(r.created_at);
    }
    expect(new Set(resourcesA.map((r) => r.account_id))).toEqual(new Set([A]));
    expect(new Set(resourcesB.map((r) => r.account_id))).toEqual(new Set([B]));
    // Every type has at least one resource in account A.
    expect([...new Set(resourcesA.map((r) => r.type))].sort()).toEqual([...EXPECTED_TYPES].sort());
  });

  it('collects EC2 instances per region with a built ARN, Name tag and state', () => {
    const instances = ofType(resourcesA, 'ec2:instance');
    expect(instances.map((r) => [r.name, r.region]).sort()).toEqual([['web-a-eu-west-1', 'eu-west-1'], ['web-a-us-east-1', 'us-east-1']]);
    for (const i of instances) {
      const id = i.properties.InstanceId as string;
      expect(i.arn).toBe(`arn:aws:ec2:${i.region}:${A}:instance/${id}`);
      expect(i.tags).toEqual({ Name: i.name, env: 'test' });
      expect(i.state).toBe('running');
      expect(i.created_at).not.toBeNull();
    }
  });

  it('collects exactly the created volume plus the instances\' root volumes', () => {
    const volumes = ofType(resourcesA, 'ec2:volume');
    const byRegion = (region: string) => volumes.filter((v) => v.region === region).map((v) => v.properties.VolumeId).sort();
    expect(byRegion('us-east-1')).toEqual([...seeded.rootVolumes['us-east-1'], seeded.volumeId].sort());
    expect(byRegion('eu-west-1')).toEqual([...seeded.rootVolumes['eu-west-1']].sort());
    const data = volumes.find((v) => v.properties.VolumeId === seeded.volumeId)!;
    expect(data).toMatchObject({ name: 'data-a', state: 'available', tags: { Name: 'data-a', team: 'storage' }, arn: `arn:aws:ec2:us-east-1:${A}:volume/${seeded.volumeId}` });
  });

  it('collects the created VPC, subnets and security group next to moto\'s defaults', () => {
    const vpcs = ofType(resourcesA, 'ec2:vpc');
    expect(vpcs.filter((v) => !v.properties.IsDefault).map((v) => [v.name, v.region, v.state, v.tags])).toEqual([['app-vpc', 'us-east-1', 'available', { Name: 'app-vpc', team: 'net' }]]);
    // Moto, like AWS, gives each region a default VPC.
    expect(vpcs.filter((v) => v.properties.IsDefault).map((v) => v.region).sort()).toEqual(REGIONS.slice().sort());

    const subnets = ofType(resourcesA, 'ec2:subnet').filter((s) => s.properties.VpcId === seeded.vpcId);
    expect(names(subnets)).toEqual(['app-us-east-1a', 'app-us-east-1b']);
    expect(subnets.every((s) => s.state === 'available' && s.tags.team === 'net' && s.arn.includes(`:subnet/`))).toBe(true);

    const groups = ofType(resourcesA, 'ec2:security-group').filter((g) => g.properties.GroupName !== 'default');
    expect(groups.map((g) => [g.name, g.region, g.tags, g.properties.GroupName])).toEqual([['app-sg', 'us-east-1', { Name: 'app-sg', team: 'net' }, 'app-sg-group']]);
    expect(groups[0].arn).toBe(`arn:aws:ec2:us-east-1:${A}:security-group/${groups[0].properties.GroupId as string}`);
  });

  it('collects S3 buckets once per account, each in its real region', () => {
    const buckets = ofType(resourcesA, 's3:bucket');
    expect(buckets.map((b) => [b.name, b.region, b.arn, b.tags, b.state])).toEqual(
      expect.arrayContaining([
        ['fleet-a-use1', 'us-east-1', 'arn:aws:s3:::fleet-a-use1', { team: 'data' }, 'active'],
        ['fleet-a-euw1', 'eu-west-1', 'arn:aws:s3:::fleet-a-euw1', {}, 'active'],
        ['fleet-a-use1-logs', 'us-east-1', 'arn:aws:s3:::fleet-a-use1-logs', {}, 'active'],
      ]),
    );
    expect(buckets).toHaveLength(3);
  });

  it('collects IAM roles once per account as global, over several pages', async () => {
    expect(ofType(resourcesA, 'iam:role').map((r) => [r.name, r.region, r.tags, r.arn]).sort()).toEqual([
      ['fleet-ci-role', 'global', { role: 'fleet-ci-role' }, `arn:aws:iam::${A}:role/fleet-ci-role`],
      ['fleet-lambda-role', 'global', { team: 'platform' }, `arn:aws:iam::${A}:role/fleet-lambda-role`],
      ['fleet-ops-role', 'global', { role: 'fleet-ops-role' }, `arn:aws:iam::${A}:role/fleet-ops-role`],
    ]);
    const iam = new IAMClient(testClientConfig());
    const page = await iam.send(new ListRolesCommand({ MaxItems: PAGE_SIZE }));
    iam.destroy();
    expect([page.Roles?.length, page.IsTruncated]).toEqual([PAGE_SIZE, true]);
  });

  it.each([
    ['lambda:function', 'fleet-fn', { team: 'app' }, `arn:aws:lambda:us-east-1:${A}:function:fleet-fn`],
    ['rds:db-instance', 'fleet-db', { team: 'data' }, `arn:aws:rds:us-east-1:${A}:db:fleet-db`],
    ['sns:topic', 'fleet-topic', { team: 'app' }, `arn:aws:sns:us-east-1:${A}:fleet-topic`],
    ['ecs:cluster', 'fleet-ecs', { team: 'containers' }, `arn:aws:ecs:us-east-1:${A}:cluster/fleet-ecs`],
    ['eks:cluster', 'fleet-eks', { team: 'containers' }, `arn:aws:eks:us-east-1:${A}:cluster/fleet-eks`],
    ['elasticloadbalancing:loadbalancer', 'fleet-alb', { team: 'edge' }, expect.stringMatching(new RegExp(`^arn:aws:elasticloadbalancing:us-east-1:${A}:loadbalancer/app/fleet-alb/`))],
  ])('collects %s with name, tags, region and state', (type, name, tags, arn) => {
    const found = ofType(resourcesA, type);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ name, tags, arn, region: 'us-east-1' });
    expect(found[0].state).toMatch(/^\w+/);
  });

  it('collects DynamoDB tables over several pages', async () => {
    const tables = ofType(resourcesA, 'dynamodb:table');
    expect(names(tables)).toEqual(['fleet-t0', 'fleet-t1', 'fleet-t2', 'fleet-t3', 'fleet-t4']);
    expect(tables.every((t) => t.state === 'ACTIVE' && t.region === 'us-east-1' && t.tags.team === 'data' && t.tags.idx === t.name.slice(-1))).toBe(true);
    // Proof that the 5 tables needed 3 pages: moto honours Limit and returns a continuation key.
    const ddb = new DynamoDBClient(testClientConfig());
    const first = await ddb.send(new ListTablesCommand({ Limit: PAGE_SIZE }));
    ddb.destroy();
    expect(first.TableNames).toHaveLength(PAGE_SIZE);
    expect(first.LastEvaluatedTableName).toBeDefined();
  });

  it('collects SQS queues per region with ARN, tags and creation time', () => {
    const queues = ofType(resourcesA, 'sqs:queue');
    expect(queues.map((q) => [q.name, q.region]).sort()).toEqual([['fleet-eu-q', 'eu-west-1'], ['fleet-q1', 'us-east-1'], ['fleet-q2', 'us-east-1'], ['fleet-q3', 'us-east-1']]);
    for (const q of queues) {
      expect(q.arn).toBe(`arn:aws:sqs:${q.region}:${A}:${q.name}`);
      expect(q.tags).toEqual({ team: q.region === 'eu-west-1' ? 'eu' : 'app' });
      expect(q.created_at).not.toBeNull();
    }
  });

  it('sees only the assumed-role account\'s own resources in account B', () => {
    const summary = resourcesB
      .filter((r) => !(r.properties.IsDefault || r.properties.DefaultForAz || r.properties.GroupName === 'default' || r.type === 'ec2:volume'))
      .map((r) => `${r.type} ${r.region} ${r.name}`)
      .sort();
    expect(summary).toEqual([
      'ec2:instance eu-west-1 web-b-eu-west-1',
      'ec2:instance us-east-1 web-b-us-east-1',
      'iam:role global b-role',
      's3:bucket us-east-1 fleet-b-bucket',
      'sqs:queue us-east-1 b-queue',
    ]);
    // Root volumes of B's two instances only.
    expect(ofType(resourcesB, 'ec2:volume')).toHaveLength(2);
    expect(resourcesB.every((r) => !r.arn.includes(A))).toBe(true);
  });
});

describe('"not found" between list and detail calls', () => {
  // Moto answers with the same error names as AWS; collectors skip such resources instead of failing the type.
  const missingArn = (service: string, resource: string) => `arn:aws:${service}:${HOME}:${A}:${resource}`;
  const clients: Array<{ destroy(): void }> = [];
  const client = <C extends { destroy(): void }>(c: C): C => (clients.push(c), c);
  afterAll(() => clients.forEach((c) => c.destroy()));

  it.each([
    ['sqs', () => client(new SQSClient(testClientConfig())).send(new GetQueueAttributesCommand({ QueueUrl: `${moto.endpoint}/${A}/gone`, AttributeNames: ['All'] })), NOT_FOUND.sqs],
    ['dynamodb', () => client(new DynamoDBClient(testClientConfig())).send(new DescribeTableCommand({ TableName: 'gone' })), NOT_FOUND.dynamodb],
    ['sns', () => client(new SNSClient(testClientConfig())).send(new GetTopicAttributesCommand({ TopicArn: missingArn('sns', 'gone') })), NOT_FOUND.sns],
    ['iam', () => client(new IAMClient(testClientConfig())).send(new ListRoleTagsCommand({ RoleName: 'gone' })), NOT_FOUND.iam],
    ['lambda', () => client(new LambdaClient(testClientConfig())).send(new ListTagsCommand({ Resource: missingArn('lambda', 'function:gone') })), NOT_FOUND.lambda],
    ['eks', () => client(new EKSClient(testClientConfig())).send(new DescribeClusterCommand({ name: 'gone' })), NOT_FOUND.eks],
    ['s3', () => client(new S3Client({ ...testClientConfig(), forcePathStyle: true })).send(new GetBucketLocationCommand({ Bucket: 'gone-bucket' })), NOT_FOUND.s3],
  ] as const)('%s: a deleted resource is skipped, other errors still throw', async (_service, call, names) => {
    expect(await unlessGone<unknown>(call(), names)).toBeUndefined();
    await expect(unlessGone<unknown>(call(), ['SomethingElse'])).rejects.toThrow();
  });
});
