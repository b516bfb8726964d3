import { Aws, CfnOutput, CfnParameter, Duration, Fn, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { APP_PORT, AppName, APPS, HubSettings, SIZE_KEY } from '../settings';
import { addAppContainer, addPrepareContainer, APP_UID, capabilitiesOnly, mainScript, pascal } from './app-task';
import { MigrationRun } from './migrations';
import { NatsCluster, STREAM_REPLICAS_SCRIPT } from './nats-cluster';

export interface HubStackProps extends StackProps {
  settings: HubSettings;
}

const DB_NAME = 'mcp';
const DB_USER = 'mcp';
const DB_PORT = 5432;

/** What each app needs beyond the common settings: its secrets and the reach of its outbound traffic. */
const APP_NEEDS: Record<AppName, { secrets: ('jwt' | 'bootstrapAdmin' | 'encryptionKey')[]; egressAnywhere: boolean }> = {
  gateway: { secrets: ['jwt', 'bootstrapAdmin'], egressAnywhere: false },
  // HTTPS to STS and every AWS API of every member account and region; the AWS CLI runs here too.
  'fleet-service': { secrets: [], egressAnywhere: false },
  // Deliveries go to whatever endpoint an integration names (any port); its own SSRF guard judges the address.
  'integration-service': { secrets: ['encryptionKey'], egressAnywhere: true },
  // Health checks probe endpoints on any port.
  'health-monitor': { secrets: [], egressAnywhere: true },
};

/** Apps that scale on CPU (health-monitor's replicas add availability, not throughput: docs/deployment.md). */
const AUTOSCALED: AppName[] = ['gateway', 'fleet-service', 'integration-service'];

/**
 * The hub: VPC, ECS on Fargate with one service per app, the gateway behind an HTTPS Application Load Balancer,
 * PostgreSQL on RDS, a NATS JetStream cluster on EFS, secrets in Secrets Manager, logs in CloudWatch, and the
 * migrations as a one-off task that must succeed before any service rolls.
 */
export class HubStack extends Stack {
  readonly fleetServiceRole: iam.Role;
  readonly services: Record<AppName, ecs.FargateService>;

  constructor(scope: Construct, id: string, props: HubStackProps) {
    super(scope, id, props);
    const s = props.settings;
    const removal = s.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // --- Parameters: what differs per install and is not the deployment's shape --------------------------------
    const imageUri = new CfnParameter(this, 'ImageUri', {
      type: 'String',
      description: 'The aws-mcp-server image with a tag or digest, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/aws-mcp-server:0.1.0 (never :latest)',
      allowedPattern: '^[a-z0-9][a-z0-9.:/_-]*(:(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$',
      constraintDescription: 'must be an image reference with a tag other than latest, or a sha256 digest',
    });
    const certificateArn = new CfnParameter(this, 'CertificateArn', {
      type: 'String',
      description: 'ACM certificate for the load balancer\'s HTTPS listener (same region as the stack)',
      allowedPattern: '^arn:aws[a-z-]*:acm:[a-z0-9-]+:\\d{12}:certificate/[A-Za-z0-9-]+$',
      constraintDescription: 'must be an ACM certificate ARN',
    });
    const publicHostName = new CfnParameter(this, 'PublicHostName', {
      type: 'String',
      description: 'The DNS name clients use (the certificate\'s, pointed at the load balancer): the MCP endpoint answers only to it (DNS rebinding check) and names it in its metadata',
      allowedPattern: '^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$',
      constraintDescription: 'must be a fully qualified host name, without scheme, port or path',
    });
    const image = ecs.ContainerImage.fromRegistry(imageUri.valueAsString);
    const cpuArchitecture = s.cpuArchitecture === 'ARM64' ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64;
    const logRetention = s.logRetentionDays as logs.RetentionDays;

    // --- Network ------------------------------------------------------------------------------------------------
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: s.maxAzs,
      natGateways: s.natGateways,
      // Nothing uses the default security group; strip its allow-all rules so nothing can by accident.
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'apps', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    const appSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };

    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, clusterName: s.prefix, containerInsightsV2: ecs.ContainerInsights.DISABLED });
    const namespace = cluster.addDefaultCloudMapNamespace({ name: `${s.prefix}.internal`, vpc, useForServiceConnect: false });

    // --- Secrets (generated here, never in the template or the task definitions' environment) ------------------
    const encryptionKey = new secretsmanager.Secret(this, 'EncryptionKey', {
      secretName: `${s.prefix}/encryption-key`,
      description: 'security.encryption_key: AES-256 key of the integration secrets at rest. Back it up with the database; losing it loses them.',
      // 43 letters and digits are valid base64 that node decodes to exactly 32 bytes (about 254 bits of entropy).
      generateSecretString: { passwordLength: 43, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const jwtSecret = new secretsmanager.Secret(this, 'JwtSecret', {
      secretName: `${s.prefix}/jwt-secret`,
      description: 'auth.jwt_secret: HS256 key of the gateway\'s access tokens',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: removal,
    });
    const bootstrapAdmin = new secretsmanager.Secret(this, 'BootstrapAdminPassword', {
      secretName: `${s.prefix}/bootstrap-admin-password`,
      description: 'auth.bootstrap_admin_password: the password of the first user "admin" (used once, when there are no users)',
      generateSecretString: { passwordLength: 32, excludePunctuation: true, includeSpace: false },
      removalPolicy: removal,
    });

    // --- PostgreSQL -----------------------------------------------------------------------------------------------
    const dbSg = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', { vpc, description: 'PostgreSQL: 5432 from the apps and the migration task only', allowAllOutbound: false });
    const db = new rds.DatabaseInstance(this, 'Database', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      instanceType: new ec2.InstanceType(s.dbInstanceType),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [dbSg],
      port: DB_PORT,
      databaseName: DB_NAME,
      // Letters and digits only: the password goes into DATABASE_URL below without escaping.
      credentials: rds.Credentials.fromGeneratedSecret(DB_USER, { secretName: `${s.prefix}/database-master`, excludeCharacters: ' !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~' }),
      multiAz: s.dbMultiAz,
      allocatedStorage: s.dbAllocatedStorageGiB,
      maxAllocatedStorage: s.dbMaxAllocatedStorageGiB,
      storageType: rds.StorageType.GP3,
      storageEncrypted: true,
      backupRetention: Duration.days(s.dbBackupRetentionDays),
      deletionProtection: s.deletionProtection,
      removalPolicy: s.deletionProtection ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
      publiclyAccessible: false,
      autoMinorVersionUpgrade: true,
      // The CA in the bundle the prepare container fetches (NODE_EXTRA_CA_CERTS).
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
    });
    const dbSecret = db.secret!;
    // DATABASE_URL as a secret of its own, composed by CloudFormation from a dynamic reference to the generated
    // password: the template holds only {{resolve:secretsmanager:...}}, and the tasks get the URL as an ECS secret.
    const databaseUrlSecret = new secretsmanager.CfnSecret(this, 'DatabaseUrl', {
      name: `${s.prefix}/database-url`,
      description: 'DATABASE_URL of the apps (database.url), built from the master secret',
      secretString: Fn.join('', [
        `postgresql://${DB_USER}:`,
        dbSecret.secretValueFromJson('password').unsafeUnwrap(),
        '@',
        db.instanceEndpoint.hostname,
        `:${DB_PORT}/${DB_NAME}`,
      ]),
    });
    const databaseUrl = secretsmanager.Secret.fromSecretCompleteArn(this, 'DatabaseUrlRef', databaseUrlSecret.ref);

    // --- NATS JetStream ---------------------------------------------------------------------------------------------
    const natsLogs = new logs.LogGroup(this, 'NatsLogs', { logGroupName: `/${s.prefix}/nats`, retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    const nats = new NatsCluster(this, 'Nats', {
      vpc,
      cluster,
      namespace,
      subnets: appSubnets,
      nodes: s.natsNodes,
      image: s.natsImage,
      cpu: s.natsCpu,
      memoryMiB: s.natsMemoryMiB,
      cpuArchitecture,
      logGroup: natsLogs,
      removalPolicy: removal,
      family: s.prefix,
    });

    // --- What every app container starts with (names from libs/config/src/config.schema.ts) ----------------------
    const commonEnvironment: Record<string, string> = {
      NODE_ENV: 'production',
      MCP_SERVER_PORT: String(APP_PORT),
      // Inside ECS's 30 s stop timeout (the load balancer drains first: deregistration delay).
      MCP_SERVER_SHUTDOWN_GRACE_MS: '20000',
      MCP_LOGGING_FORMAT: 'json',
      MCP_LOGGING_LEVEL: 'INFO',
      NATS_URL: nats.url,
      // RDS PostgreSQL 16 forces TLS; the CA comes from the prepare container (NODE_EXTRA_CA_CERTS).
      MCP_DATABASE_SSL: 'true',
      AWS_REGION: Aws.REGION,
    };
    const secretFor = { jwt: jwtSecret, bootstrapAdmin, encryptionKey } as const;
    const secretEnvName = { jwt: 'MCP_AUTH_JWT_SECRET', bootstrapAdmin: 'BOOTSTRAP_ADMIN_PASSWORD', encryptionKey: 'MCP_SECURITY_ENCRYPTION_KEY' } as const;
    const appSecrets = (app: AppName): Record<string, ecs.Secret> => {
      const out: Record<string, ecs.Secret> = { DATABASE_URL: ecs.Secret.fromSecretsManager(databaseUrl) };
      for (const k of APP_NEEDS[app].secrets) out[secretEnvName[k]] = ecs.Secret.fromSecretsManager(secretFor[k]);
      return out;
    };
    const pullFromRepository = (task: ecs.TaskDefinition) => {
      const role = task.obtainExecutionRole();
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
          resources: [this.formatArn({ service: 'ecr', resource: 'repository', resourceName: s.imageRepository })],
        }),
      );
    };
    const appSecurityGroup = (name: string, description: string, egressAnywhere: boolean) => {
      const sg = new ec2.SecurityGroup(this, `${name}SecurityGroup`, { vpc, description, allowAllOutbound: egressAnywhere });
      // HTTPS: image pulls, Secrets Manager, CloudWatch Logs, STS and the AWS APIs, OIDC key sets.
      if (!egressAnywhere) sg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: AWS APIs, image pulls, logs');
      nats.allowClient(sg, `${name}: NATS client`);
      dbSg.connections.allowFrom(sg, ec2.Port.tcp(DB_PORT), `${name}: PostgreSQL`);
      return sg;
    };

    // --- The migration task: each app's --migrate-only, before any service rolls ----------------------------------
    const appLogs = {} as Record<AppName, logs.LogGroup>;
    for (const app of APPS) appLogs[app] = new logs.LogGroup(this, `${pascal(app)}Logs`, { logGroupName: `/${s.prefix}/${app}`, retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    const migrateLogs = new logs.LogGroup(this, 'MigrateLogs', { logGroupName: `/${s.prefix}/migrations`, retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    const migrateTask = new ecs.FargateTaskDefinition(this, 'MigrateTask', {
      family: `${s.prefix}-migrations`,
      cpu: 1024,
      memoryLimitMiB: 2048,
      runtimePlatform: { cpuArchitecture, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    pullFromRepository(migrateTask);
    const migratePrepare = addPrepareContainer(migrateTask, { image, logGroup: migrateLogs });
    const migrators = APPS.map((app) =>
      addAppContainer(migrateTask, {
        app,
        name: `migrate-${app}`,
        image,
        logGroup: migrateLogs,
        command: [mainScript(app), '--migrate-only'],
        // --migrate-only applies the migrations only with database.migrations_run on (its default; said explicitly).
        environment: { ...commonEnvironment, MCP_DATABASE_MIGRATIONS_RUN: 'true' },
        secrets: appSecrets(app),
        prepare: migratePrepare,
        essential: false,
        serve: false,
      }),
    );
    // A task stops when its essential container does: this one waits for every migrator, then exits 0.
    const done = migrateTask.addContainer('done', {
      containerName: 'done',
      image,
      essential: true,
      user: `${APP_UID}:${APP_UID}`,
      readonlyRootFilesystem: true,
      linuxParameters: capabilitiesOnly(migrateTask, 'Done'),
      command: ['-e', 'process.exit(0)'],
      logging: ecs.LogDrivers.awsLogs({ logGroup: migrateLogs, streamPrefix: 'done' }),
      memoryReservationMiB: 64,
    });
    const finishers = [...migrators];
    if (s.natsNodes > 1) {
      // After the apps have created their stream: replicate it on every server (STREAM_REPLICAS_SCRIPT).
      const replicas = migrateTask.addContainer('nats-replicas', {
        containerName: 'nats-replicas',
        image,
        essential: false,
        user: `${APP_UID}:${APP_UID}`,
        readonlyRootFilesystem: true,
        linuxParameters: capabilitiesOnly(migrateTask, 'NatsReplicas'),
        command: ['-e', STREAM_REPLICAS_SCRIPT],
        environment: { NATS_URL: nats.url, STREAM_REPLICAS: String(s.natsNodes) },
        logging: ecs.LogDrivers.awsLogs({ logGroup: migrateLogs, streamPrefix: 'nats-replicas' }),
        memoryReservationMiB: 128,
      });
      for (const m of migrators) replicas.addContainerDependencies({ container: m, condition: ecs.ContainerDependencyCondition.COMPLETE });
      finishers.push(replicas);
    }
    for (const m of finishers) done.addContainerDependencies({ container: m, condition: ecs.ContainerDependencyCondition.COMPLETE });
    const migrateSg = appSecurityGroup('Migrate', 'Migration task: no inbound', false);
    const migration = new MigrationRun(this, 'Migrations', { cluster, taskDefinition: migrateTask, vpc, subnets: appSubnets, securityGroup: migrateSg, logGroup: migrateLogs, logRetention });
    for (const n of nats.services) migration.node.addDependency(n);
    migration.node.addDependency(db);

    // --- The four services ------------------------------------------------------------------------------------------
    const services = {} as Record<AppName, ecs.FargateService>;
    const taskRoles = {} as Record<AppName, iam.Role>;
    for (const app of APPS) {
      const size = s[SIZE_KEY[app]];
      const taskRole = new iam.Role(this, `${pascal(app)}TaskRole`, {
        assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
        // A fixed name for fleet-service: member accounts' trust policies name this role (HubRoleArn).
        ...(app === 'fleet-service' ? { roleName: `${s.prefix}-fleet-service` } : {}),
        description: `${app} task role`,
      });
      const task = new ecs.FargateTaskDefinition(this, `${pascal(app)}Task`, {
        family: `${s.prefix}-${app}`,
        cpu: size.cpu,
        memoryLimitMiB: size.memoryMiB,
        taskRole,
        runtimePlatform: { cpuArchitecture, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
      });
      pullFromRepository(task);
      const prepare = addPrepareContainer(task, { image, logGroup: appLogs[app] });
      addAppContainer(task, {
        app,
        name: app,
        image,
        logGroup: appLogs[app],
        command: [mainScript(app)],
        // The migration task has applied them; a service only warns if its schema has pending ones.
        environment: {
          ...commonEnvironment,
          MCP_DATABASE_MIGRATIONS_RUN: 'false',
          // The load balancer sits in the public subnets: its X-Forwarded-For names the client (rate limits, lockout, audit).
          // and clients reach /mcp by the public name only (its host is then allowed: mcp.allowed_hosts stays loopback).
          ...(app === 'gateway'
            ? { MCP_SERVER_TRUSTED_PROXIES: vpc.publicSubnets.map((n) => n.ipv4CidrBlock).join(','), MCP_MCP_PUBLIC_URL: `https://${publicHostName.valueAsString}/mcp` }
            : {}),
        },
        secrets: appSecrets(app),
        prepare,
        essential: true,
        serve: true,
      });
      const sg = appSecurityGroup(pascal(app), app === 'gateway' ? 'gateway: 8000 from the load balancer only' : `${app}: no inbound (it talks over NATS)`, APP_NEEDS[app].egressAnywhere);
      const service = new ecs.FargateService(this, `${pascal(app)}Service`, {
        cluster,
        serviceName: app,
        taskDefinition: task,
        desiredCount: size.min,
        minHealthyPercent: 100,
        maxHealthyPercent: 200,
        circuitBreaker: { rollback: true },
        securityGroups: [sg],
        vpcSubnets: appSubnets,
        assignPublicIp: false,
        enableExecuteCommand: false,
        propagateTags: ecs.PropagatedTagSource.SERVICE,
        ...(app === 'gateway' ? { healthCheckGracePeriod: Duration.seconds(90) } : {}),
      });
      service.node.addDependency(migration);
      if (AUTOSCALED.includes(app)) {
        service
          .autoScaleTaskCount({ minCapacity: size.min, maxCapacity: size.max })
          .scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 70, scaleOutCooldown: Duration.seconds(60), scaleInCooldown: Duration.minutes(5) });
      }
      services[app] = service;
      taskRoles[app] = taskRole;
    }
    this.services = services;
    this.fleetServiceRole = taskRoles['fleet-service'];

    // fleet-service assumes the member roles (by name, in any account) and nothing else.
    this.fleetServiceRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeMemberRoles',
        actions: ['sts:AssumeRole'],
        resources: s.memberRoleNames.map((n) => `arn:${Aws.PARTITION}:iam::*:role/${n}`),
      }),
    );
    if (s.organizationDiscovery) {
      this.fleetServiceRole.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'DiscoverAccounts', actions: ['organizations:ListAccounts'], resources: ['*'] }));
    }

    // --- The load balancer: the only thing reachable from outside ------------------------------------------------
    const albSg = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', { vpc, description: 'Load balancer: HTTPS (and HTTP for the redirect) from the allowed CIDRs', allowAllOutbound: false });
    for (const cidr of s.ingressCidrs) {
      albSg.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), 'HTTPS');
      albSg.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(80), 'HTTP, redirected to HTTPS');
    }
    const alb = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      securityGroup: albSg,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      dropInvalidHeaderFields: true,
      // Above the gateway's 15 s SSE heartbeat; long requests end at server.request_timeout_ms anyway.
      idleTimeout: Duration.seconds(120),
    });
    const https = alb.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [elbv2.ListenerCertificate.fromArn(certificateArn.valueAsString)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: false,
    });
    alb.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
    });
    https.addTargets('Gateway', {
      port: APP_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [services.gateway.loadBalancerTarget({ containerName: 'gateway', containerPort: APP_PORT })],
      deregistrationDelay: Duration.seconds(15),
      healthCheck: {
        path: '/health/ready',
        port: String(APP_PORT),
        healthyHttpCodes: '200',
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });

    new CfnOutput(this, 'LoadBalancerDnsName', { value: alb.loadBalancerDnsName, description: 'Point your DNS name (the certificate\'s) at this, as a CNAME or an alias record' });
    new CfnOutput(this, 'HubRoleArn', { value: this.fleetServiceRole.roleArn, description: 'HubRoleArn for the member-account role stack or StackSet' });
    new CfnOutput(this, 'BootstrapAdminPasswordSecret', { value: bootstrapAdmin.secretArn, description: 'The first login (user admin): aws secretsmanager get-secret-value --secret-id <this>' });
    new CfnOutput(this, 'EncryptionKeySecret', { value: encryptionKey.secretArn, description: 'Back this up with the database snapshots' });
    new CfnOutput(this, 'MigrationLogGroup', { value: migrateLogs.logGroupName });
  }
}
