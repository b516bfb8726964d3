import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { capabilitiesOnly } from './app-task';

const NATS_CLIENT_PORT = 4222;
const NATS_CLUSTER_PORT = 6222;
const NATS_MONITOR_PORT = 8222;
const NATS_UID = '1000';

/**
 * Raises every JetStream stream to `STREAM_REPLICAS` copies (R1 → R3 on a three-server cluster), run in the app
 * image (which has the `nats` client) by the migration task after the apps have created their stream. The apps
 * create it with one replica; on a cluster that one server's restart would pause the event flow. Listing every
 * stream rather than naming one keeps it free of the apps' stream naming. Streams already at or above the count
 * are left alone; updates keep the rest of the configuration.
 */
export const STREAM_REPLICAS_SCRIPT = [
  `const {connect}=require('nats');const want=Number(process.env.STREAM_REPLICAS);`,
  `(async()=>{const nc=await connect({servers:process.env.NATS_URL.split(','),name:'aws-mcp-stream-replicas'});`,
  `try{const jsm=await nc.jetstreamManager();let raised=0;`,
  `for await(const si of jsm.streams.list()){const have=si.config.num_replicas||1;if(have>=want)continue;`,
  `await jsm.streams.update(si.config.name,{...si.config,num_replicas:want});raised++;console.log('stream '+si.config.name+': '+have+' -> '+want+' replicas')}`,
  `console.log('stream replicas: '+raised+' stream(s) raised to '+want)}finally{await nc.close()}`,
  `})().catch((e)=>{console.error('stream replicas: '+e.message);process.exit(1)})`,
].join('');

export interface NatsClusterProps {
  vpc: ec2.IVpc;
  cluster: ecs.Cluster;
  namespace: servicediscovery.INamespace;
  subnets: ec2.SubnetSelection;
  nodes: number;
  image: string;
  cpu: number;
  memoryMiB: number;
  cpuArchitecture: ecs.CpuArchitecture;
  logGroup: logs.ILogGroup;
  removalPolicy: RemovalPolicy;
  /** Task definition family prefix (the hub's prefix). */
  family: string;
}

/**
 * NATS with JetStream as N single-task ECS services, one per server: a StatefulSet by hand. Each server has a
 * stable name (Cloud Map `nats-<i>.<namespace>`), its own EFS access point for its JetStream store, and routes to
 * the others. A service never runs two tasks of one server (max 100 %, min 0 %: stop, then start), since two
 * processes on one store would corrupt it; the services depend on each other so a deployment restarts one server
 * at a time and the JetStream quorum survives.
 */
export class NatsCluster extends Construct {
  readonly securityGroup: ec2.SecurityGroup;
  readonly services: ecs.FargateService[] = [];
  /** NATS_URL for the apps: every server, comma-separated (nats.url accepts a list). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: NatsClusterProps) {
    super(scope, id);
    const names = Array.from({ length: props.nodes }, (_, i) => `nats-${i}`);
    const host = (name: string) => `${name}.${props.namespace.namespaceName}`;
    this.url = names.map((n) => `nats://${host(n)}:${NATS_CLIENT_PORT}`).join(',');

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'NATS servers: clients on 4222 from the apps, routes on 6222 between the servers',
      allowAllOutbound: false,
    });
    // Image pulls and CloudWatch Logs go out over HTTPS from the task's own interface on Fargate.
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'image pulls, logs');
    if (props.nodes > 1) this.securityGroup.connections.allowInternally(ec2.Port.tcp(NATS_CLUSTER_PORT), 'NATS cluster routes');

    const fsSg = new ec2.SecurityGroup(this, 'StoreSecurityGroup', { vpc: props.vpc, description: 'NATS JetStream store (EFS): NFS from the NATS servers only', allowAllOutbound: false });
    const store = new efs.FileSystem(this, 'Store', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroup: fsSg,
      encrypted: true,
      performanceMode: efs.PerformanceMode.GENERAL_PURPOSE,
      throughputMode: efs.ThroughputMode.ELASTIC,
      enableAutomaticBackups: true,
      removalPolicy: props.removalPolicy,
    });
    // Any file system policy replaces EFS's default one, which lets every client that reaches a mount target in.
    // With this one, anonymous (non-IAM) mounts get nothing, the NATS task roles get in through their own IAM
    // policies below (each through its own access point), and only over TLS.
    store.addToResourcePolicy(
      new iam.PolicyStatement({ sid: 'TlsOnly', effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: ['*'], conditions: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    store.connections.allowDefaultPortFrom(this.securityGroup, 'NATS servers mount their store');

    let previous: ecs.FargateService | undefined;
    for (const name of names) {
      const accessPoint = store.addAccessPoint(`${name}Store`, {
        path: `/${name}`,
        createAcl: { ownerUid: NATS_UID, ownerGid: NATS_UID, permissions: '750' },
        posixUser: { uid: NATS_UID, gid: NATS_UID },
      });
      const task = new ecs.FargateTaskDefinition(this, `${name}Task`, {
        family: `${props.family}-${name}`,
        cpu: props.cpu,
        memoryLimitMiB: props.memoryMiB,
        runtimePlatform: { cpuArchitecture: props.cpuArchitecture, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
        volumes: [
          {
            name: 'jetstream',
            efsVolumeConfiguration: { fileSystemId: store.fileSystemId, transitEncryption: 'ENABLED', authorizationConfig: { accessPointId: accessPoint.accessPointId, iam: 'ENABLED' } },
          },
        ],
      });
      // Mount through this server's access point only.
      task.taskRole.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
          resources: [store.fileSystemArn],
          conditions: { StringEquals: { 'elasticfilesystem:AccessPointArn': accessPoint.accessPointArn } },
        }),
      );
      const routes = names.map((n) => `nats://${host(n)}:${NATS_CLUSTER_PORT}`).join(',');
      const command = ['nats-server', '--jetstream', '--store_dir', '/data', '--http_port', String(NATS_MONITOR_PORT), '--server_name', name];
      if (props.nodes > 1) command.push('--cluster_name', 'aws-mcp', '--cluster', `nats://0.0.0.0:${NATS_CLUSTER_PORT}`, '--routes', routes);
      const container = task.addContainer('nats', {
        containerName: 'nats',
        image: ecs.ContainerImage.fromRegistry(props.image),
        command,
        user: `${NATS_UID}:${NATS_UID}`,
        readonlyRootFilesystem: true,
        linuxParameters: capabilitiesOnly(task, `${name}Nats`),
        portMappings: [
          { containerPort: NATS_CLIENT_PORT, name: 'client' },
          { containerPort: NATS_CLUSTER_PORT, name: 'cluster' },
        ],
        // Healthy once JetStream is up (not waiting for the quorum, so the servers can start one by one).
        healthCheck: {
          command: ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${NATS_MONITOR_PORT}/healthz?js-enabled-only=true`],
          interval: Duration.seconds(10),
          timeout: Duration.seconds(3),
          retries: 3,
          startPeriod: Duration.seconds(20),
        },
        logging: ecs.LogDrivers.awsLogs({ logGroup: props.logGroup, streamPrefix: name }),
        stopTimeout: Duration.seconds(30),
      });
      container.addMountPoints({ sourceVolume: 'jetstream', containerPath: '/data', readOnly: false });

      const service = new ecs.FargateService(this, `${name}Service`, {
        cluster: props.cluster,
        serviceName: name,
        taskDefinition: task,
        desiredCount: 1,
        minHealthyPercent: 0,
        maxHealthyPercent: 100,
        circuitBreaker: { rollback: true },
        securityGroups: [this.securityGroup],
        vpcSubnets: props.subnets,
        assignPublicIp: false,
        cloudMapOptions: { cloudMapNamespace: props.namespace, name, dnsRecordType: servicediscovery.DnsRecordType.A, dnsTtl: Duration.seconds(10) },
        enableExecuteCommand: false,
        propagateTags: ecs.PropagatedTagSource.SERVICE,
      });
      if (previous) service.node.addDependency(previous);
      previous = service;
      this.services.push(service);
    }
  }

  /** Lets `peer` connect as a NATS client. */
  allowClient(peer: ec2.IConnectable, description: string): void {
    this.securityGroup.connections.allowFrom(peer, ec2.Port.tcp(NATS_CLIENT_PORT), description);
  }
}
