import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { APP_PORT, AppName } from '../settings';

/** uid/gid of the image's `app` user (Dockerfile). */
export const APP_UID = 10001;

/** Where the prepare container leaves the RDS CA bundle; the apps read it through NODE_EXTRA_CA_CERTS. */
const CA_MOUNT = '/etc/rds-ca';
const CA_FILE = `${CA_MOUNT}/rds-ca.pem`;

/** The RDS CA bundle for every region (RDS PostgreSQL 15+ forces TLS; node does not trust Amazon's RDS CAs by default). */
const RDS_CA_BUNDLE_URL = 'https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem';

export const mainScript = (app: AppName) => `dist/apps/${app}/src/main.js`;

/** The same readiness probe as docker-compose.yml: node's fetch, since the image has no curl. */
const READY_PROBE = `fetch('http://127.0.0.1:${APP_PORT}/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;

/**
 * Run by the prepare container (as root, before the app starts, in the app image). Fargate creates task volumes
 * owned by root, so it opens /tmp to everyone (sticky) and hands the data volume to the app user; then it fetches
 * the RDS CA bundle into the CA volume and refuses anything that is not a PEM bundle. Paths come from the
 * environment so a test can run the very same script.
 */
export const PREPARE_SCRIPT = [
  `const fs=require('fs'),path=require('path'),e=process.env;`,
  `const fail=(m)=>{console.error('prepare: '+m);process.exit(1)};`,
  `try{fs.chmodSync(e.PREPARE_TMP,0o1777);fs.chownSync(e.PREPARE_DATA,Number(e.PREPARE_UID),Number(e.PREPARE_UID));fs.chmodSync(e.PREPARE_DATA,0o700)}catch(x){fail(x.message)}`,
  `fetch(e.PREPARE_CA_URL,{signal:AbortSignal.timeout(30000)}).then(async(r)=>{`,
  `if(!r.ok)throw new Error(e.PREPARE_CA_URL+': HTTP '+r.status);`,
  `const pem=await r.text();const n=(pem.match(/^-----BEGIN CERTIFICATE-----$/gm)||[]).length;`,
  `if(n===0||/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem))throw new Error(e.PREPARE_CA_URL+': not a PEM certificate bundle');`,
  `fs.writeFileSync(path.join(e.PREPARE_CA_DIR,'rds-ca.pem'),pem,{mode:0o644});console.log('prepare: volumes ready, '+n+' CA certificates')`,
  `}).catch((x)=>fail(x.message))`,
].join('');

/** The task volumes every app container mounts (read-only root filesystem). */
const VOLUMES = { tmp: 'tmp', data: 'data', ca: 'rds-ca' } as const;

export interface AppTaskContext {
  image: ecs.ContainerImage;
  logGroup: logs.ILogGroup;
}

/** Adds the task volumes and the prepare container; returns it so app containers can wait for its success. */
export function addPrepareContainer(task: ecs.TaskDefinition, ctx: AppTaskContext): ecs.ContainerDefinition {
  for (const name of Object.values(VOLUMES)) task.addVolume({ name });
  const prepare = task.addContainer('prepare', {
    containerName: 'prepare',
    image: ctx.image,
    essential: false,
    // Root only for chmod/chown of the fresh volumes; nothing of the request path ever runs here.
    user: '0',
    readonlyRootFilesystem: true,
    linuxParameters: capabilitiesOnly(task, 'Prepare', [ecs.Capability.CHOWN]),
    command: ['-e', PREPARE_SCRIPT],
    environment: {
      PREPARE_TMP: '/mnt/tmp',
      PREPARE_DATA: '/mnt/data',
      PREPARE_CA_DIR: '/mnt/rds-ca',
      PREPARE_UID: String(APP_UID),
      PREPARE_CA_URL: RDS_CA_BUNDLE_URL,
    },
    logging: ecs.LogDrivers.awsLogs({ logGroup: ctx.logGroup, streamPrefix: 'prepare' }),
    memoryReservationMiB: 64,
  });
  prepare.addMountPoints(
    { sourceVolume: VOLUMES.tmp, containerPath: '/mnt/tmp', readOnly: false },
    { sourceVolume: VOLUMES.data, containerPath: '/mnt/data', readOnly: false },
    { sourceVolume: VOLUMES.ca, containerPath: '/mnt/rds-ca', readOnly: false },
  );
  return prepare;
}

/** Docker's default capability set; Fargate can drop these but add none of them back (SYS_PTRACE only). */
const DEFAULT_CAPABILITIES = [
  ecs.Capability.AUDIT_WRITE,
  ecs.Capability.CHOWN,
  ecs.Capability.DAC_OVERRIDE,
  ecs.Capability.FOWNER,
  ecs.Capability.FSETID,
  ecs.Capability.KILL,
  ecs.Capability.MKNOD,
  ecs.Capability.NET_BIND_SERVICE,
  ecs.Capability.NET_RAW,
  ecs.Capability.SETFCAP,
  ecs.Capability.SETGID,
  ecs.Capability.SETPCAP,
  ecs.Capability.SETUID,
  ecs.Capability.SYS_CHROOT,
];

/** Linux parameters that drop every capability but `keep` (dropping "ALL" would not let Fargate keep any). */
export function capabilitiesOnly(task: ecs.TaskDefinition, id: string, keep: ecs.Capability[] = []): ecs.LinuxParameters {
  const lp = new ecs.LinuxParameters(task, `${id}Linux`);
  if (keep.length === 0) lp.dropCapabilities(ecs.Capability.ALL);
  else lp.dropCapabilities(...DEFAULT_CAPABILITIES.filter((c) => !keep.includes(c)));
  return lp;
}

export interface AppContainerOptions extends AppTaskContext {
  app: AppName;
  /** Container name (the app's name, or `migrate-<app>`). */
  name: string;
  command: string[];
  environment: Record<string, string>;
  secrets: Record<string, ecs.Secret>;
  prepare: ecs.ContainerDefinition;
  essential: boolean;
  /** Readiness probe and port: the long-running services only. */
  serve: boolean;
}

/** An app container: the image's tini → node entry point, uid 10001, read-only root, the task volumes mounted. */
export function addAppContainer(task: ecs.TaskDefinition, o: AppContainerOptions): ecs.ContainerDefinition {
  const c = task.addContainer(o.name, {
    containerName: o.name,
    image: o.image,
    essential: o.essential,
    user: `${APP_UID}:${APP_UID}`,
    readonlyRootFilesystem: true,
    linuxParameters: capabilitiesOnly(task, pascal(o.name)),
    command: o.command,
    environment: { ...o.environment, NODE_EXTRA_CA_CERTS: CA_FILE },
    secrets: o.secrets,
    logging: ecs.LogDrivers.awsLogs({ logGroup: o.logGroup, streamPrefix: o.name }),
    // SIGTERM → readiness red, in-flight work drains within server.shutdown_grace_ms (20 s), then exit.
    stopTimeout: Duration.seconds(30),
    ...(o.serve
      ? {
          portMappings: [{ containerPort: APP_PORT, name: 'http' }],
          healthCheck: {
            command: ['CMD', 'node', '-e', READY_PROBE],
            interval: Duration.seconds(15),
            timeout: Duration.seconds(5),
            retries: 3,
            // Connecting to NATS and the database; migrations are not run here.
            startPeriod: Duration.seconds(60),
          },
        }
      : {}),
  });
  c.addMountPoints(
    { sourceVolume: VOLUMES.tmp, containerPath: '/tmp', readOnly: false },
    { sourceVolume: VOLUMES.data, containerPath: '/data', readOnly: false },
    { sourceVolume: VOLUMES.ca, containerPath: CA_MOUNT, readOnly: true },
  );
  c.addContainerDependencies({ container: o.prepare, condition: ecs.ContainerDependencyCondition.SUCCESS });
  return c;
}

export const pascal = (s: string) => s.replace(/(^|-)([a-z])/g, (_, __, ch: string) => ch.toUpperCase());
