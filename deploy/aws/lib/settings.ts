import { z } from 'zod';

/** The four apps of the image, each started as `node dist/apps/<app>/src/main.js`. */
export const APPS = ['gateway', 'fleet-service', 'integration-service', 'health-monitor'] as const;
export type AppName = (typeof APPS)[number];

/** The port every app listens on (server.port). */
export const APP_PORT = 8000;

/** Default names of the member-account roles; the hub may assume only roles with these names. */
export const DEFAULT_MEMBER_ROLE_NAMES = { readOnly: 'aws-mcp-read-only', operator: 'aws-mcp-operator' } as const;

/** The retentions CloudWatch Logs accepts, in days. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z.union([z.array(z.string()), z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))]);
const cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'must be an IPv4 CIDR such as 203.0.113.0/24');
const roleName = z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name');

const size = (cpu: number, memoryMiB: number, min: number, max: number) =>
  z
    .object({
      /** Fargate CPU units (256 = 0.25 vCPU); with memoryMiB it must be a valid Fargate pair. */
      cpu: int(256, 16384).default(cpu),
      memoryMiB: int(512, 122880).default(memoryMiB),
      min: int(1, 100).default(min),
      max: int(1, 100).default(max),
    })
    .strict()
    .refine((s) => s.max >= s.min, 'max must be at least min')
    .prefault({});

/**
 * The hub's CDK context (`cdk synth -c key=value`, or "context" in cdk.json). Only the shape of the deployment is
 * context; what differs per install and should not be in the synthesised template's source (the image, the
 * certificate) are CloudFormation parameters of the stack.
 */
const HubSettingsSchema = z
  .object({
    /** Prefix of named resources (roles, log groups, secrets, the cluster). */
    prefix: z.string().regex(/^[a-z][a-z0-9-]{1,20}$/, 'must be 2-21 characters of a-z, 0-9 and -, starting with a letter').default('aws-mcp'),
    maxAzs: int(2, 3).default(2),
    /** One NAT gateway is the small, cheaper choice; one per AZ survives an AZ outage. */
    natGateways: int(1, 3).default(1),
    /** JetStream needs an odd number of servers for its quorum. */
    natsNodes: z.coerce.number().pipe(z.union([z.literal(1), z.literal(3), z.literal(5)], { message: 'must be 1, 3 or 5' })).default(3),
    /** Docker's official image through ECR Public: no Docker Hub pull limits from the NAT address. */
    natsImage: z.string().min(1).default('public.ecr.aws/docker/library/nats:2.10-alpine'),
    natsCpu: int(256, 4096).default(256),
    natsMemoryMiB: int(512, 8192).default(512),
    dbInstanceType: z.string().regex(/^[a-z0-9]+\.[a-z0-9]+$/, 'must be an instance type such as t4g.micro').default('t4g.micro'),
    dbMultiAz: bool.default(false),
    dbAllocatedStorageGiB: int(20, 65536).default(20),
    dbMaxAllocatedStorageGiB: int(20, 65536).default(100),
    dbBackupRetentionDays: int(1, 35).default(7),
    /** Deletion protection of the database and retention of the secrets; switch off only for throw-away installs. */
    deletionProtection: bool.default(true),
    logRetentionDays: z.coerce
      .number()
      .refine((d) => LOG_RETENTION_DAYS.includes(d), `must be a CloudWatch Logs retention: one of ${LOG_RETENTION_DAYS.join(', ')}`)
      .default(30),
    /** Who may reach the load balancer (HTTPS, and HTTP for the redirect). */
    ingressCidrs: list.pipe(z.array(cidr).min(1)).default(['0.0.0.0/0']),
    /** The role names the hub may assume in member accounts (sts:AssumeRole is limited to these names). */
    memberRoleNames: list.pipe(z.array(roleName).min(1)).default([DEFAULT_MEMBER_ROLE_NAMES.readOnly, DEFAULT_MEMBER_ROLE_NAMES.operator]),
    /** Let fleet-service call organizations:ListAccounts (account discovery; the hub must run in the management or a delegated administrator account). */
    organizationDiscovery: bool.default(false),
    /** The private ECR repository (in the hub's account and region) the tasks may pull the image from. */
    imageRepository: z.string().regex(/^[a-z0-9][a-z0-9._/-]{1,255}$/, 'must be an ECR repository name').default('aws-mcp-server'),
    cpuArchitecture: z.enum(['X86_64', 'ARM64']).default('X86_64'),
    gateway: size(512, 1024, 2, 6),
    fleetService: size(1024, 2048, 1, 4),
    integrationService: size(256, 512, 1, 4),
    healthMonitor: size(256, 512, 1, 2),
  })
  .strict();

export type HubSettings = z.infer<typeof HubSettingsSchema>;

/** The settings key of an app's size. */
export const SIZE_KEY: Record<AppName, 'gateway' | 'fleetService' | 'integrationService' | 'healthMonitor'> = {
  gateway: 'gateway',
  'fleet-service': 'fleetService',
  'integration-service': 'integrationService',
  'health-monitor': 'healthMonitor',
};

/** A bad context value; the message names the key, like the apps' own config errors. */
export class HubSettingsError extends Error {
  override name = 'HubSettingsError';
}

/**
 * Validates the context values under HubSettingsSchema's keys (JSON strings are parsed, so `-c gateway='{"min":3}'`
 * works from the command line). Unknown keys are ignored here because the context also carries CDK's own flags.
 */
export function hubSettings(context: (key: string) => unknown): HubSettings {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(HubSettingsSchema.shape)) {
    let v = context(key);
    if (typeof v === 'string' && /^\s*[{[]/.test(v)) {
      try {
        v = JSON.parse(v) as unknown;
      } catch {
        throw new HubSettingsError(`Invalid context: ${key}: not valid JSON`);
      }
    }
    if (v !== undefined) raw[key] = v;
  }
  const result = HubSettingsSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new HubSettingsError(`Invalid context: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}
