/**
 * deploy/aws, the hub stack: synthesised once (CloudFormation validation is aws-cfn-validate.spec.ts's job), then
 * checked with aws-cdk-lib/assertions and the template checks of aws-validation.ts, each also fed a broken copy.
 */
process.env.CDK_VALIDATION = 'false';

import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConfigSchema, loadConfig } from '@app/config';
import { freePort, natsServerBinary, waitFor } from '@app/testing';
import { App } from 'aws-cdk-lib';
import { connect, NatsConnection, RetentionPolicy, StorageType } from 'nats';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { hostAllowed } from '../../apps/gateway/src/mcp/mcp-door';
import { HubStack } from '../../deploy/aws/lib/hub/hub-stack';
import { STREAM_REPLICAS_SCRIPT } from '../../deploy/aws/lib/hub/nats-cluster';
import { HubSettingsError, hubSettings } from '../../deploy/aws/lib/settings';
import { APPS, APP_PORT, knownMcpEnvNames, mainScript, REPO_ROOT, unknownMcpEnvNames } from './deploy-validation';
import { baseName, CfnTemplate, clone, containers, ingressEdges, plainSecretProblems, publicExposureProblems, refOf, resourcesOfType, secretSources, unexpectedIngress } from './aws-validation';

const settings = hubSettings(() => undefined);
let template: Template;
let t: CfnTemplate;

beforeAll(() => {
  const app = new App();
  template = Template.fromStack(new HubStack(app, 'Hub', { settings }));
  t = template.toJSON() as CfnTemplate;
});

const appContainer = (app: string) => containers(t).find((c) => c.family === `aws-mcp-${app}` && c.container.Name === app)!.container;
const migrator = (app: string) => containers(t).find((c) => c.family === 'aws-mcp-migrations' && c.container.Name === `migrate-${app}`)!.container;
const secretLogicalId = (name: string) => resourcesOfType(t, 'AWS::SecretsManager::Secret').find(([, p]) => p.Name === `aws-mcp/${name}`)![0];

/** The environment a container starts with: plain values, region resolved, secrets as values of their real shape. */
function effectiveEnv(container: any): Record<string, string> {
  const env: Record<string, string> = {};
  const parameters: Record<string, string> = { 'AWS::Region': 'us-east-1', PublicHostName: 'fleet.example.com' };
  const resolve = (v: any): string =>
    typeof v === 'string' ? v : v.Ref in parameters ? parameters[v.Ref] : v['Fn::Join']?.[0] === '' ? v['Fn::Join'][1].map(resolve).join('') : JSON.stringify(v);
  for (const e of container.Environment ?? []) env[e.Name] = resolve(e.Value);
  const shaped: Record<string, string> = {
    DATABASE_URL: 'postgresql://mcp:Abc123@db.abc.us-east-1.rds.amazonaws.com:5432/mcp',
    MCP_AUTH_JWT_SECRET: 'a'.repeat(64),
    BOOTSTRAP_ADMIN_PASSWORD: 'b'.repeat(32),
    MCP_SECURITY_ENCRYPTION_KEY: 'c'.repeat(43),
  };
  for (const s of container.Secrets ?? []) env[s.Name] = shaped[s.Name] ?? 'unknown-secret';
  return env;
}

describe('hub: services', () => {
  it('runs one Fargate service per app, from one image, each with its own entry point', () => {
    for (const app of APPS) {
      template.hasResourceProperties('AWS::ECS::Service', { ServiceName: app, LaunchType: 'FARGATE', NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } } });
      const c = appContainer(app);
      expect(c.Command).toEqual([mainScript(app)]);
      expect(c.Image).toEqual({ Ref: 'ImageUri' });
      expect(c.Essential).toBe(true);
    }
  });

  it('checks readiness (/health/ready) in every app container, and the load balancer checks it on the gateway', () => {
    for (const app of APPS) {
      const hc = appContainer(app).HealthCheck;
      expect(hc.Command).toEqual(['CMD', 'node', '-e', expect.stringContaining(`http://127.0.0.1:${APP_PORT}/health/ready`)]);
      expect(hc.Retries).toBeGreaterThanOrEqual(3);
    }
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/health/ready', Port: APP_PORT, Protocol: 'HTTP', TargetType: 'ip', Matcher: { HttpCode: '200' } });
  });

  it('rolls safely: circuit breaker with rollback, never below the running count; the gateway sits behind the target group', () => {
    for (const app of APPS) {
      template.hasResourceProperties('AWS::ECS::Service', {
        ServiceName: app,
        DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MinimumHealthyPercent: 100, MaximumPercent: 200 },
      });
    }
    template.hasResourceProperties('AWS::ECS::Service', { ServiceName: 'gateway', LoadBalancers: [{ ContainerName: 'gateway', ContainerPort: APP_PORT, TargetGroupArn: Match.anyValue() }] });
    expect(resourcesOfType(t, 'AWS::ECS::Service').filter(([, p]) => p.LoadBalancers)).toHaveLength(1);
  });

  it('scales gateway, fleet-service and integration-service on CPU (70 %) within their min and max', () => {
    const targets = resourcesOfType(t, 'AWS::ApplicationAutoScaling::ScalableTarget');
    expect(targets.map(([id]) => id.replace(/TaskCountTarget.*$/, '')).sort()).toEqual(['FleetServiceService', 'GatewayService', 'IntegrationServiceService']);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: settings.gateway.min, MaxCapacity: settings.gateway.max });
    const policies = resourcesOfType(t, 'AWS::ApplicationAutoScaling::ScalingPolicy');
    expect(policies).toHaveLength(3);
    for (const [, p] of policies) {
      expect(p.PolicyType).toBe('TargetTrackingScaling');
      expect(p.TargetTrackingScalingPolicyConfiguration).toMatchObject({ TargetValue: 70, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } });
    }
  });

  it('hardens every container: non-root apps, read-only root filesystem, capabilities dropped, logs to CloudWatch with a retention', () => {
    const logGroups = new Map(resourcesOfType(t, 'AWS::Logs::LogGroup').map(([id, p]) => [id, p]));
    for (const { family, container } of containers(t)) {
      expect([family, container.ReadonlyRootFilesystem]).toEqual([family, true]);
      expect(container.LinuxParameters?.Capabilities?.Drop?.length).toBeGreaterThan(0);
      expect(container.LinuxParameters?.Capabilities?.Add ?? []).toEqual([]);
      expect(container.LogConfiguration.LogDriver).toBe('awslogs');
      const group = logGroups.get(refOf(container.LogConfiguration.Options['awslogs-group']));
      expect(group?.RetentionInDays).toBe(settings.logRetentionDays);
      // Only the prepare step runs as root, to open the fresh volumes to the app user.
      if (container.Name === 'prepare') expect(container.User).toBe('0');
      else expect(container.User).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    }
  });
});

describe('hub: environment and secrets', () => {
  it('uses only setting names the apps know, and every container\'s configuration loads through libs/config', () => {
    const known = knownMcpEnvNames(ConfigSchema);
    for (const app of APPS) {
      for (const c of [appContainer(app), migrator(app)]) {
        const env = effectiveEnv(c);
        expect(unknownMcpEnvNames(Object.keys(env), known)).toEqual([]);
        const config = loadConfig({ argv: [], env });
        expect(config.server.port).toBe(APP_PORT);
        expect(config.database.ssl).toBe(true);
        expect(config.aws.default_region).toBe('us-east-1');
        expect(config.nats.url).toBe('nats://nats-0.aws-mcp.internal:4222,nats://nats-1.aws-mcp.internal:4222,nats://nats-2.aws-mcp.internal:4222');
        expect(config.server.shutdown_grace_ms).toBeLessThan(30_000);
        // The migration task migrates; the services only warn about pending migrations.
        expect(config.database.migrations_run).toBe(c === migrator(app));
      }
    }
  });

  it('believes X-Forwarded-For only in the gateway, and only from the load balancer\'s public subnets', () => {
    const publicCidrs = resourcesOfType(t, 'AWS::EC2::Subnet')
      .filter(([, p]) => p.MapPublicIpOnLaunch === true)
      .map(([, p]) => p.CidrBlock as string);
    expect(publicCidrs.length).toBeGreaterThan(0);
    expect(loadConfig({ argv: [], env: effectiveEnv(appContainer('gateway')) }).server.trusted_proxies.sort()).toEqual([...publicCidrs].sort());
    for (const app of APPS.filter((a) => a !== 'gateway')) expect(loadConfig({ argv: [], env: effectiveEnv(appContainer(app)) }).server.trusted_proxies).toEqual([]);
  });

  it('serves MCP under the public name the installer gives (PublicHostName), so the DNS rebinding check lets its clients in', () => {
    const gateway = loadConfig({ argv: [], env: effectiveEnv(appContainer('gateway')) });
    expect(gateway.mcp.public_url).toBe('https://fleet.example.com/mcp');
    expect(hostAllowed({ host: 'fleet.example.com' }, gateway)).toBe(true);
    expect(hostAllowed({ host: 'evil.example' }, gateway)).toBe(false);
    const pattern = new RegExp(t.Parameters!.PublicHostName.AllowedPattern);
    for (const ok of ['fleet.example.com', 'mcp.ops.corp.example.org']) expect(ok).toMatch(pattern);
    for (const bad of ['https://fleet.example.com', 'fleet.example.com:443', 'fleet.example.com/mcp', 'localhost', '', 'a..b.com']) expect(bad).not.toMatch(pattern);
  });

  it('wires each app\'s secrets from Secrets Manager, and only the ones it needs', () => {
    const db = secretLogicalId('database-url');
    const expected: Record<string, Record<string, string>> = {
      gateway: { DATABASE_URL: db, MCP_AUTH_JWT_SECRET: secretLogicalId('jwt-secret'), BOOTSTRAP_ADMIN_PASSWORD: secretLogicalId('bootstrap-admin-password') },
      'fleet-service': { DATABASE_URL: db },
      'integration-service': { DATABASE_URL: db, MCP_SECURITY_ENCRYPTION_KEY: secretLogicalId('encryption-key') },
      'health-monitor': { DATABASE_URL: db },
    };
    for (const app of APPS) {
      expect(secretSources(appContainer(app))).toEqual(expected[app]);
      // --migrate-only builds the whole app, so it needs the same (the gateway would print a generated admin password otherwise).
      expect(secretSources(migrator(app))).toEqual(expected[app]);
    }
  });

  it('builds DATABASE_URL from the generated master password inside CloudFormation, never in a task definition', () => {
    const [, url] = resourcesOfType(t, 'AWS::SecretsManager::Secret').find(([, p]) => p.Name === 'aws-mcp/database-url')!;
    expect(JSON.stringify(url.SecretString)).toMatch(
      /^\{"Fn::Join":\["",\["postgresql:\/\/mcp:\{\{resolve:secretsmanager:",\{"Ref":"DatabaseSecret\w+"\},":SecretString:password::\}\}@",\{"Fn::GetAtt":\["Database\w+","Endpoint.Address"\]\},":5432\/mcp"\]\]\}$/,
    );
    // The password must need no escaping in a URL.
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'aws-mcp/database-master', GenerateSecretString: { ExcludeCharacters: Match.stringLikeRegexp('@') } });
    const excluded = resourcesOfType(t, 'AWS::SecretsManager::Secret').find(([, p]) => p.Name === 'aws-mcp/database-master')![1].GenerateSecretString.ExcludeCharacters as string;
    for (const ch of ':/@?#[]%&=+ ') expect(excluded).toContain(ch);
  });

  it('generates secrets the apps accept: a 32-byte base64 encryption key, a JWT secret of at least 32 bytes', () => {
    const generated = (name: string) => resourcesOfType(t, 'AWS::SecretsManager::Secret').find(([, p]) => p.Name === `aws-mcp/${name}`)![1].GenerateSecretString;
    const sample = (g: any) => {
      expect(g.ExcludePunctuation).toBe(true);
      expect(g.IncludeSpace).toBe(false);
      // The worst case of the alphabet Secrets Manager then draws from: letters and digits.
      return 'Z9'.repeat(g.PasswordLength).slice(0, g.PasswordLength);
    };
    expect(() => ConfigSchema.shape.security.parse({ encryption_key: sample(generated('encryption-key')) })).not.toThrow();
    expect(() => ConfigSchema.shape.auth.parse({ jwt_secret: sample(generated('jwt-secret')) })).not.toThrow();
    expect(() => ConfigSchema.shape.auth.parse({ bootstrap_admin_password: sample(generated('bootstrap-admin-password')) })).not.toThrow();
    // The same check rejects a key of the wrong length.
    expect(() => ConfigSchema.shape.security.parse({ encryption_key: sample({ ...generated('encryption-key'), PasswordLength: 32 }) })).toThrow(/32 bytes/);
    // Losing the key loses every stored integration secret: it outlives the stack.
    const key = Object.values(t.Resources).find((r) => r.Type === 'AWS::SecretsManager::Secret' && r.Properties.Name === 'aws-mcp/encryption-key') as any;
    expect(key.DeletionPolicy).toBe('Retain');
  });

  it('has no secret in plain text in any task definition', () => {
    expect(plainSecretProblems(t)).toEqual([]);
  });

  it('finds a secret put in plain text, a URL with a password and a dynamic reference', () => {
    const broken = clone(t);
    const [, task] = resourcesOfType(broken, 'AWS::ECS::TaskDefinition').find(([, p]) => p.Family === 'aws-mcp-gateway')!;
    const c = task.ContainerDefinitions.find((x: any) => x.Name === 'gateway');
    c.Environment.push(
      { Name: 'MCP_AUTH_JWT_SECRET', Value: 'not-so-secret' },
      { Name: 'MCP_DATABASE_URL', Value: 'postgresql://mcp:hunter2@db:5432/mcp' },
      { Name: 'MCP_OTHER', Value: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: 'X' }, ':SecretString:password::}}']] } },
      { Name: 'SOMETHING', Value: 'q'.repeat(44) },
    );
    const problems = plainSecretProblems(broken);
    expect(problems).toEqual([
      expect.stringContaining('MCP_AUTH_JWT_SECRET is in plain environment'),
      expect.stringContaining('MCP_DATABASE_URL is in plain environment'),
      expect.stringContaining('MCP_DATABASE_URL is a URL with a password'),
      expect.stringContaining('MCP_OTHER holds a dynamic reference'),
      expect.stringContaining('SOMETHING looks like a key or token'),
    ]);
  });

  it('lets each task read only its own secrets (execution role policies)', () => {
    const policies = resourcesOfType(t, 'AWS::IAM::Policy');
    const readers = (secret: string) =>
      policies
        .filter(([, p]) => p.PolicyDocument.Statement.some((s: any) => [].concat(s.Action).includes('secretsmanager:GetSecretValue' as never) && [].concat(s.Resource).some((r: any) => refOf(r) === secret)))
        .map(([id]) => baseName(id))
        .sort();
    expect(readers(secretLogicalId('encryption-key'))).toEqual(['IntegrationServiceTaskExecutionRoleDefaultPolicy', 'MigrateTaskExecutionRoleDefaultPolicy']);
    expect(readers(secretLogicalId('jwt-secret'))).toEqual(['GatewayTaskExecutionRoleDefaultPolicy', 'MigrateTaskExecutionRoleDefaultPolicy']);
  });
});

describe('hub: network', () => {
  it('exposes only the load balancer, on 80 and 443', () => {
    expect(publicExposureProblems(t)).toEqual([]);
    expect(ingressEdges(t).filter((e) => /\//.test(e.from) && e.from !== '0.0.0.0/0')).toEqual([]);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
    expect(resourcesOfType(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer')).toHaveLength(1);
  });

  it('admits the gateway only from the load balancer, the others from nowhere, the data stores from the apps only', () => {
    const apps = ['Gateway', 'FleetService', 'IntegrationService', 'HealthMonitor', 'Migrate'].map((a) => `${a}SecurityGroup`);
    const allowed = [
      'LoadBalancerSecurityGroup <- 0.0.0.0/0 tcp/443',
      'LoadBalancerSecurityGroup <- 0.0.0.0/0 tcp/80',
      `GatewaySecurityGroup <- LoadBalancerSecurityGroup tcp/${APP_PORT}`,
      ...apps.map((a) => `DatabaseSecurityGroup <- ${a} tcp/5432`),
      ...apps.map((a) => `NatsSecurityGroup <- ${a} tcp/4222`),
      'NatsSecurityGroup <- NatsSecurityGroup tcp/6222',
      'NatsStoreSecurityGroup <- NatsSecurityGroup tcp/2049',
    ];
    const edges = ingressEdges(t);
    expect(unexpectedIngress(edges, allowed)).toEqual([]);
    // and each of them is there (the apps can reach what they need)
    expect(edges.map((e) => `${e.to} <- ${e.from} ${e.ports}`).sort()).toEqual([...allowed].sort());
  });

  it('finds a data store opened to the internet and an internal service opened to the load balancer', () => {
    const broken = clone(t);
    const [dbSg] = resourcesOfType(broken, 'AWS::EC2::SecurityGroup').find(([id]) => baseName(id) === 'DatabaseSecurityGroup')!;
    const [albSg] = resourcesOfType(broken, 'AWS::EC2::SecurityGroup').find(([id]) => baseName(id) === 'LoadBalancerSecurityGroup')!;
    const [fleetSg] = resourcesOfType(broken, 'AWS::EC2::SecurityGroup').find(([id]) => baseName(id) === 'FleetServiceSecurityGroup')!;
    broken.Resources.Open = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': [dbSg, 'GroupId'] }, IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIp: '0.0.0.0/0' } };
    broken.Resources.Sideways = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': [fleetSg, 'GroupId'] }, IpProtocol: 'tcp', FromPort: 8000, ToPort: 8000, SourceSecurityGroupId: { 'Fn::GetAtt': [albSg, 'GroupId'] } } };
    expect(publicExposureProblems(broken)).toEqual(['DatabaseSecurityGroup is reachable from 0.0.0.0/0 on tcp/5432']);
    expect(unexpectedIngress(ingressEdges(broken), ingressEdges(t).map((e) => `${e.to} <- ${e.from} ${e.ports}`))).toEqual([
      'DatabaseSecurityGroup <- 0.0.0.0/0 tcp/5432',
      'FleetServiceSecurityGroup <- LoadBalancerSecurityGroup tcp/8000',
    ]);
  });

  it('strips the rules of the VPC\'s default security group, which nothing uses', () => {
    expect(Object.values(t.Resources).filter((r) => r.Type === 'Custom::VpcRestrictDefaultSG')).toHaveLength(1);
  });

  it('terminates TLS on the load balancer with the given certificate and redirects HTTP', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: { Ref: 'CertificateArn' } }],
      SslPolicy: Match.stringLikeRegexp('^ELBSecurityPolicy-TLS13'),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { LoadBalancerAttributes: Match.arrayWith([{ Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' }]) });
  });

  it('keeps PostgreSQL private, encrypted, backed up and protected from deletion', () => {
    template.hasResourceProperties('AWS::RDS::DBInstance', { Engine: 'postgres', PubliclyAccessible: false, StorageEncrypted: true, DeletionProtection: true, BackupRetentionPeriod: 7, MultiAZ: false });
    const db = Object.values(t.Resources).find((r) => r.Type === 'AWS::RDS::DBInstance') as any;
    expect(db.DeletionPolicy).toBe('Snapshot');
    // The CA whose bundle the prepare container fetches for NODE_EXTRA_CA_CERTS; TLS is forced by PostgreSQL 16 on RDS.
    expect(db.Properties.CACertificateIdentifier).toBe('rds-ca-rsa2048-g1');
    expect(db.Properties.EngineVersion).toMatch(/^16/);
  });
});

describe('hub: NATS JetStream', () => {
  const nats = () => containers(t).filter((c) => c.container.Name === 'nats');

  it('runs a three-server JetStream cluster, one ECS service per server, each on its own EFS access point', () => {
    expect(nats().map((c) => c.family).sort()).toEqual(['aws-mcp-nats-0', 'aws-mcp-nats-1', 'aws-mcp-nats-2']);
    const accessPoints = resourcesOfType(t, 'AWS::EFS::AccessPoint').map(([id]) => id);
    const used = new Set<string>();
    for (const { family, container, task } of nats()) {
      const name = family.replace('aws-mcp-', '');
      expect(container.Command).toEqual(expect.arrayContaining(['--jetstream', '--store_dir', '/data', '--server_name', name, '--cluster_name', 'aws-mcp']));
      const routes = container.Command[container.Command.indexOf('--routes') + 1];
      expect(routes.split(',')).toHaveLength(3);
      expect(container.HealthCheck.Command.join(' ')).toContain('/healthz?js-enabled-only=true');
      const volume = t.Resources[task].Properties.Volumes[0].EFSVolumeConfiguration;
      expect(volume).toMatchObject({ TransitEncryption: 'ENABLED', AuthorizationConfig: { IAM: 'ENABLED' } });
      used.add(refOf(volume.AuthorizationConfig.AccessPointId));
      template.hasResourceProperties('AWS::ECS::Service', { ServiceName: name, DesiredCount: 1, DeploymentConfiguration: { MinimumHealthyPercent: 0, MaximumPercent: 100 } });
    }
    expect([...used].sort()).toEqual(accessPoints.sort());
    // A file system policy of our own (EFS's default lets any client that reaches a mount target in): TLS only,
    // and each server's role may mount only through its own access point.
    template.hasResourceProperties('AWS::EFS::FileSystem', {
      Encrypted: true,
      FileSystemPolicy: { Statement: [{ Effect: 'Deny', Action: '*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Sid: 'TlsOnly' }], Version: '2012-10-17' },
    });
    const mounts = resourcesOfType(t, 'AWS::IAM::Policy').flatMap(([, p]) => p.PolicyDocument.Statement).filter((st: any) => [].concat(st.Action).includes('elasticfilesystem:ClientMount' as never));
    expect(mounts.map((st: any) => refOf(st.Condition.StringEquals['elasticfilesystem:AccessPointArn'])).sort()).toEqual(accessPoints.sort());
  });

  it('restarts the servers one at a time (each service depends on the previous one)', () => {
    const service = (n: string) => Object.entries(t.Resources).find(([, r]) => r.Type === 'AWS::ECS::Service' && r.Properties.ServiceName === n)!;
    const deps = (n: string) => [].concat((service(n)[1].DependsOn ?? []) as never);
    expect(deps('nats-1')).toEqual(expect.arrayContaining([service('nats-0')[0]]));
    expect(deps('nats-2')).toEqual(expect.arrayContaining([service('nats-1')[0]]));
  });
});

describe('hub: NATS JetStream, run for real', () => {
  // The servers' command lines from the template, on this machine's nats-server, with addresses and paths moved to
  // loopback and free ports; then the migration task's replication step against that cluster.
  const servers: ChildProcess[] = [];
  const stores: string[] = [];
  let clientUrls: string[] = [];
  let nc: NatsConnection;

  beforeAll(async () => {
    const bin = natsServerBinary();
    if (!bin) throw new Error('no nats-server binary on this machine');
    const nodes = containers(t).filter((c) => c.container.Name === 'nats');
    const ports = await Promise.all(nodes.map(async () => ({ client: await freePort(), cluster: await freePort(), http: await freePort() })));
    const local = (url: string) => url.replace(/nats-(\d)\.aws-mcp\.internal:6222/g, (_, i: string) => `127.0.0.1:${ports[Number(i)].cluster}`);
    nodes.forEach(({ container }, i) => {
      const args = (container.Command as string[]).slice(1).map((a, j, all) => {
        if (all[j - 1] === '--store_dir') return stores[stores.push(mkdtempSync(join(tmpdir(), `aws-mcp-nats-${i}-`))) - 1];
        if (all[j - 1] === '--http_port') return String(ports[i].http);
        if (all[j - 1] === '--cluster') return `nats://127.0.0.1:${ports[i].cluster}`;
        if (all[j - 1] === '--routes') return local(a);
        return a;
      });
      expect(container.Command[0]).toBe('nats-server');
      servers.push(spawn(bin, [...args, '-a', '127.0.0.1', '-p', String(ports[i].client)], { stdio: 'ignore' }));
    });
    clientUrls = ports.map((p) => `nats://127.0.0.1:${p.client}`);
    for (const p of ports) await waitFor(async () => (await fetch(`http://127.0.0.1:${p.http}/healthz?js-enabled-only=true`)).ok, 20_000, 100, 'JetStream on every server');
    nc = await connect({ servers: clientUrls });
    // The apps create their stream with one replica (libs/messaging); the cluster needs a meta leader first.
    const add = async () => {
      const jsm = await nc.jetstreamManager({ timeout: 1000 });
      return !!(await jsm.streams.add({ name: 'SPEC_EVENTS', subjects: ['spec.>'], retention: RetentionPolicy.Limits, storage: StorageType.File, num_replicas: 1 }));
    };
    await waitFor(add, 30_000, 250, 'a stream on the cluster');
  }, 60_000);
  afterAll(async () => {
    await nc?.close();
    await Promise.all(servers.filter((s) => s.exitCode === null).map((s) => new Promise((r) => s.once('exit', r).kill('SIGTERM'))));
    for (const d of stores) rmSync(d, { recursive: true, force: true });
  });

  const raise = (replicas: number) =>
    promisify(execFile)(process.execPath, ['-e', STREAM_REPLICAS_SCRIPT], { cwd: REPO_ROOT, env: { PATH: process.env.PATH, NATS_URL: clientUrls.join(','), STREAM_REPLICAS: String(replicas) } }).then(
      (r) => ({ code: 0, out: r.stdout.trim() }),
      (e: { code: number; stderr: string }) => ({ code: e.code, out: e.stderr.trim() }),
    );

  it('forms one JetStream cluster from the template\'s command lines', async () => {
    const info = await (await nc.jetstreamManager()).streams.info('SPEC_EVENTS');
    expect(info.cluster?.name).toBe('aws-mcp');
  });

  it('raises the apps\' stream to one replica per server, once', async () => {
    expect(await raise(3)).toEqual({ code: 0, out: 'stream SPEC_EVENTS: 1 -> 3 replicas\nstream replicas: 1 stream(s) raised to 3' });
    await waitFor(async () => ((await (await nc.jetstreamManager()).streams.info('SPEC_EVENTS')).cluster?.replicas?.length ?? 0) === 2, 20_000, 250, 'two peers of the leader');
    expect((await (await nc.jetstreamManager()).streams.info('SPEC_EVENTS')).config.num_replicas).toBe(3);
    expect(await raise(3)).toEqual({ code: 0, out: 'stream replicas: 0 stream(s) raised to 3' });
  });

  it('fails the migration task when the cluster cannot hold the replicas asked for', async () => {
    const r = await raise(5);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^stream replicas: (no suitable peers|insufficient resources)/i);
  });
});

describe('hub: migrations', () => {
  it('runs every app with --migrate-only in one task, ended by an essential marker that waits for them all', () => {
    const task = containers(t).filter((c) => c.family === 'aws-mcp-migrations');
    for (const app of APPS) {
      expect(migrator(app).Command).toEqual([mainScript(app), '--migrate-only']);
      expect(migrator(app).Essential).toBe(false);
    }
    const done = task.find((c) => c.container.Name === 'done')!.container;
    expect(done.Essential).toBe(true);
    expect(done.DependsOn).toEqual([...APPS.map((app) => `migrate-${app}`), 'nats-replicas'].map((ContainerName) => ({ ContainerName, Condition: 'COMPLETE' })));
    const replicas = task.find((c) => c.container.Name === 'nats-replicas')!.container;
    expect(replicas.DependsOn).toEqual(APPS.map((app) => ({ ContainerName: `migrate-${app}`, Condition: 'COMPLETE' })));
    expect(replicas.Environment).toContainEqual({ Name: 'STREAM_REPLICAS', Value: '3' });
    expect(task.filter((c) => c.container.Essential)).toHaveLength(1);
  });

  it('is a custom resource that every service waits for, and that waits for the database and NATS', () => {
    const [runId, run] = Object.entries(t.Resources).find(([, r]) => r.Type === 'Custom::AwsMcpMigrations')!;
    expect(refOf(run.Properties!.TaskDefinition)).toMatch(/^MigrateTask/);
    const runDeps = [].concat((run.DependsOn ?? []) as never) as string[];
    expect(runDeps.some((d) => d.startsWith('Database'))).toBe(true);
    for (const n of ['nats-0', 'nats-1', 'nats-2']) {
      const [id] = Object.entries(t.Resources).find(([, r]) => r.Type === 'AWS::ECS::Service' && r.Properties.ServiceName === n)!;
      expect(runDeps).toContain(id);
    }
    for (const app of APPS) {
      const [, service] = Object.entries(t.Resources).find(([, r]) => r.Type === 'AWS::ECS::Service' && r.Properties.ServiceName === app)!;
      expect([].concat((service.DependsOn ?? []) as never)).toContain(runId);
    }
    // The poll may take up to an hour (a Step Functions waiter), beyond one Lambda invocation.
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', Match.anyValue());
  });

  it('lets the starter run only the migration task family, on this cluster, and pass only its roles', () => {
    const starter = resourcesOfType(t, 'AWS::IAM::Policy').find(([id]) => baseName(id).startsWith('MigrationsStartTaskServiceRoleDefaultPolicy'))!;
    const statements = starter[1].PolicyDocument.Statement as any[];
    const run = statements.find((s) => s.Action === 'ecs:RunTask');
    expect(JSON.stringify(run.Resource)).toContain('task-definition/aws-mcp-migrations:*');
    expect(run.Condition.ArnEquals['ecs:cluster']).toBeDefined();
    const pass = statements.find((s) => s.Action === 'iam:PassRole');
    expect(pass.Resource.map(refOf).sort()).toEqual([expect.stringMatching(/^MigrateTaskExecutionRole/), expect.stringMatching(/^MigrateTaskTaskRole/)]);
  });
});

describe('hub: IAM and parameters', () => {
  it('names the fleet-service role for member trust policies and lets it assume only the member role names', () => {
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'aws-mcp-fleet-service' });
    const assume = resourcesOfType(t, 'AWS::IAM::Policy').filter(([, p]) => p.PolicyDocument.Statement.some((s: any) => [].concat(s.Action).includes('sts:AssumeRole' as never)));
    expect(assume.map(([id]) => baseName(id))).toEqual(['FleetServiceTaskRoleDefaultPolicy']);
    const statement = assume[0][1].PolicyDocument.Statement.find((s: any) => s.Action === 'sts:AssumeRole');
    expect(JSON.stringify(statement.Resource)).toBe(JSON.stringify(['aws-mcp-read-only', 'aws-mcp-operator'].map((n) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::*:role/${n}`]] }))));
    // No organizations access unless asked for.
    expect(JSON.stringify(t)).not.toContain('organizations:ListAccounts');
  });

  it('takes the image only with a tag (not latest) or a digest', () => {
    const pattern = new RegExp(t.Parameters!.ImageUri.AllowedPattern);
    for (const ok of ['123456789012.dkr.ecr.us-east-1.amazonaws.com/aws-mcp-server:0.1.0', 'registry.example.com:5000/team/aws-mcp-server:v1', `ghcr.io/x/y@sha256:${'a'.repeat(64)}`]) expect(ok).toMatch(pattern);
    for (const bad of ['aws-mcp-server', 'aws-mcp-server:latest', 'registry.example.com:5000/aws-mcp-server', 'x@sha256:abc']) expect(bad).not.toMatch(pattern);
    expect('arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab').toMatch(new RegExp(t.Parameters!.CertificateArn.AllowedPattern));
  });

  it('refuses bad context values with one line naming the key', () => {
    expect(() => hubSettings((k) => ({ natsNodes: '2' })[k])).toThrow(new HubSettingsError('Invalid context: natsNodes: must be 1, 3 or 5'));
    expect(() => hubSettings((k) => ({ ingressCidrs: '10.0.0.0/8,everywhere' })[k])).toThrow(/^Invalid context: ingressCidrs\.1: must be an IPv4 CIDR/);
    expect(() => hubSettings((k) => ({ gateway: '{"min":4,"max":2}' })[k])).toThrow(/^Invalid context: gateway: max must be at least min/);
    expect(() => hubSettings((k) => ({ logRetentionDays: '2' })[k])).toThrow(/^Invalid context: logRetentionDays: must be a CloudWatch Logs retention/);
    expect(hubSettings((k) => ({ natsNodes: '1', dbMultiAz: 'true', gateway: '{"min":3}' })[k])).toMatchObject({ natsNodes: 1, dbMultiAz: true, gateway: { min: 3, max: 6 } });
  });
});
