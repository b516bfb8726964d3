/**
 * Checks of the synthesised AWS templates (deploy/aws), shared by the aws-*.spec.ts files. Like
 * deploy-validation.ts, each check is a plain function returning its findings, so a spec can run it on the real
 * template and on a deliberately broken copy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

type Json = any;
export type CfnTemplate = { Parameters?: Record<string, Json>; Resources: Record<string, { Type: string; Properties?: Json; DependsOn?: string | string[]; Condition?: string }>; Outputs?: Json };

export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export function resourcesOfType(t: CfnTemplate, type: string): [string, Json][] {
  return Object.entries(t.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}

/** A logical id without CDK's 8-hex-digit hash suffix: `GatewaySecurityGroup1A2B3C4D` → `GatewaySecurityGroup`. */
export const baseName = (logicalId: string) => logicalId.replace(/[0-9A-F]{8}$/, '');

export interface ContainerRef {
  task: string;
  family: string;
  container: Json;
}

export function containers(t: CfnTemplate): ContainerRef[] {
  return resourcesOfType(t, 'AWS::ECS::TaskDefinition').flatMap(([task, p]) => (p.ContainerDefinitions as Json[]).map((container) => ({ task, family: String(p.Family), container })));
}

// ---------------------------------------------------------------------------------------------------------------
// Secrets

/** Names that say "this holds a secret". */
const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|CREDENTIAL|API_?KEY|ENCRYPTION_KEY|ACCESS_KEY|_URL$)/i;
/** Names allowed in plain text although they match SECRET_NAME: endpoints without credentials. */
const PLAIN_URL_NAMES = new Set(['NATS_URL', 'PREPARE_CA_URL', 'MCP_MCP_PUBLIC_URL']);

/**
 * Secrets in plain text in any container definition: a secret-looking variable name in `Environment`, a URL with a
 * password, a CloudFormation dynamic reference (resolved into the task definition in clear), or a long opaque token.
 */
export function plainSecretProblems(t: CfnTemplate): string[] {
  const problems: string[] = [];
  for (const { family, container } of containers(t)) {
    const where = `${family}/${container.Name}`;
    for (const e of (container.Environment ?? []) as { Name: string; Value: Json }[]) {
      const value = typeof e.Value === 'string' ? e.Value : JSON.stringify(e.Value);
      if (SECRET_NAME.test(e.Name) && !PLAIN_URL_NAMES.has(e.Name)) problems.push(`${where}: ${e.Name} is in plain environment (use Secrets)`);
      if (/\{\{resolve:(secretsmanager|ssm-secure)/.test(value)) problems.push(`${where}: ${e.Name} holds a dynamic reference: resolved in clear into the task definition`);
      if (/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^@\s/]+@/i.test(value)) problems.push(`${where}: ${e.Name} is a URL with a password`);
      if (/(^|[^A-Za-z0-9+/=_-])[A-Za-z0-9+/=_-]{40,}($|[^A-Za-z0-9+/=_-])/.test(value) && !/^\{/.test(value)) problems.push(`${where}: ${e.Name} looks like a key or token`);
    }
    for (const c of (container.Command ?? []) as Json[]) {
      if (typeof c === 'string' && /\{\{resolve:|:\/\/[^/\s:@]+:[^@\s/]+@/.test(c)) problems.push(`${where}: a secret in the command`);
    }
  }
  return problems;
}

/** The Secrets Manager resource (logical id) behind each ECS secret of a container, by variable name. */
export function secretSources(container: Json): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of (container.Secrets ?? []) as { Name: string; ValueFrom: Json }[]) out[s.Name] = refOf(s.ValueFrom);
  return out;
}

/** The logical id a value refers to (Ref, GetAtt, or the first resource referred to inside a Fn::Join), else its JSON. */
export function refOf(v: Json): string {
  if (v && typeof v === 'object') {
    if (typeof v.Ref === 'string') return v.Ref;
    if (Array.isArray(v['Fn::GetAtt'])) return v['Fn::GetAtt'][0];
    if (Array.isArray(v['Fn::Join'])) {
      const refs = (v['Fn::Join'][1] as Json[]).filter((part) => part && typeof part === 'object').map(refOf);
      return refs.find((r) => !r.startsWith('AWS::')) ?? refs[0] ?? JSON.stringify(v);
    }
  }
  return JSON.stringify(v);
}

// ---------------------------------------------------------------------------------------------------------------
// Security groups

export interface IngressEdge {
  /** The security group receiving traffic (base logical id). */
  to: string;
  /** A source security group (base logical id) or a CIDR. */
  from: string;
  ports: string;
}

/** Every ingress rule of every security group, inline or separate, as edges between groups or from CIDRs. */
export function ingressEdges(t: CfnTemplate): IngressEdge[] {
  const edges: IngressEdge[] = [];
  const add = (to: string, r: Json) => {
    const from = r.CidrIp ?? r.CidrIpv6 ?? (r.SourceSecurityGroupId ? baseName(refOf(r.SourceSecurityGroupId)) : r.SourcePrefixListId ? `prefix-list ${JSON.stringify(r.SourcePrefixListId)}` : '?');
    const ports = r.IpProtocol === '-1' ? 'all' : r.FromPort === r.ToPort ? `${r.IpProtocol}/${r.FromPort}` : `${r.IpProtocol}/${r.FromPort}-${r.ToPort}`;
    edges.push({ to, from, ports });
  };
  for (const [id, p] of resourcesOfType(t, 'AWS::EC2::SecurityGroup')) for (const r of p.SecurityGroupIngress ?? []) add(baseName(id), r);
  for (const [, p] of resourcesOfType(t, 'AWS::EC2::SecurityGroupIngress')) add(baseName(refOf(p.GroupId)), p);
  return edges;
}

/** The security groups of internet-facing load balancers. */
function publicLoadBalancerGroups(t: CfnTemplate): string[] {
  return resourcesOfType(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer')
    .filter(([, p]) => p.Scheme === 'internet-facing')
    .flatMap(([, p]) => (p.SecurityGroups as Json[]).map((g) => baseName(refOf(g))));
}

/**
 * Anything reachable from an address range that is not the public load balancer on 80/443. Services, the database,
 * NATS and the file system take traffic from security groups only.
 */
export function publicExposureProblems(t: CfnTemplate): string[] {
  const lbs = new Set(publicLoadBalancerGroups(t));
  return ingressEdges(t)
    .filter((e) => !resourcesOfType(t, 'AWS::EC2::SecurityGroup').some(([id]) => baseName(id) === e.from))
    .filter((e) => !(lbs.has(e.to) && (e.ports === 'tcp/443' || e.ports === 'tcp/80')))
    .map((e) => `${e.to} is reachable from ${e.from} on ${e.ports}`);
}

/** Edges not in the allowed list (`to <- from ports`). */
export function unexpectedIngress(edges: IngressEdge[], allowed: string[]): string[] {
  const ok = new Set(allowed);
  return edges.map((e) => `${e.to} <- ${e.from} ${e.ports}`).filter((e) => !ok.has(e));
}

// ---------------------------------------------------------------------------------------------------------------
// IAM

/** IAM's wildcard matching of one action pattern (`ec2:Describe*`, `s3:Get?`) against an action, case-insensitively. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.split('').map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`, 'i');
  return re.test(action);
}

export const statementsOf = (doc: Json): Json[] => (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]);
const actionsOf = (statement: Json): string[] => [].concat(statement.Action ?? []);

/** Required actions that no Allow statement grants. */
export function uncoveredActions(required: readonly string[], docs: Json[]): string[] {
  const allowed = docs.flatMap(statementsOf).filter((s) => s.Effect === 'Allow').flatMap(actionsOf);
  return required.filter((a) => !allowed.some((p) => actionMatches(p, a)));
}

/**
 * Allow statements that could write: every action must be `service:<Verb>...` with a read verb, a wildcard only at
 * the end and never on the verb alone being absent (`service:*`, `*`). NotAction would invert that, so it fails too.
 */
export function writeActionProblems(doc: Json, readVerbs: readonly string[]): string[] {
  const problems: string[] = [];
  const verb = new RegExp(`^[a-z0-9-]+:(${readVerbs.join('|')})([A-Z][A-Za-z0-9]*)?\\*?$`);
  for (const s of statementsOf(doc)) {
    if (s.Effect !== 'Allow') continue;
    if (s.NotAction) problems.push(`statement ${s.Sid ?? '?'} uses NotAction`);
    for (const a of actionsOf(s)) {
      if (a === '*' || /:\*$/.test(a)) problems.push(`${a}: a wildcard on a whole service`);
      else if (!verb.test(a)) problems.push(`${a}: not a read (${readVerbs.join(', ')})`);
    }
  }
  return problems;
}

/** IAM verbs from the CLI policy's read prefixes: `describe-` → Describe, `batch-get-` → BatchGet. */
export function readVerbsFromCliPrefixes(prefixes: readonly string[]): string[] {
  return prefixes.map((p) => p.replace(/-$/, '').replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()));
}

/** Problems of a role's trust policy: it must let only `principalRef` assume it, and only with the external id. */
export function trustProblems(assumeRolePolicy: Json, expected: { principalRef: string; externalIdRef: string }): string[] {
  const problems: string[] = [];
  const statements = statementsOf(assumeRolePolicy);
  for (const s of statements) {
    if (s.Effect !== 'Allow') continue;
    const actions = actionsOf(s);
    if (actions.length !== 1 || actions[0] !== 'sts:AssumeRole') problems.push(`actions ${JSON.stringify(actions)}: only sts:AssumeRole`);
    const p = s.Principal ?? {};
    const keys = Object.keys(p);
    if (s.NotPrincipal) problems.push('NotPrincipal');
    if (keys.length !== 1 || keys[0] !== 'AWS') problems.push(`principal kinds ${JSON.stringify(keys)}: only AWS`);
    const aws = [].concat(p.AWS ?? []);
    if (aws.length !== 1 || refOf(aws[0]) !== expected.principalRef) problems.push(`principals ${JSON.stringify(aws)}: only the hub role (Ref ${expected.principalRef})`);
    const eq = s.Condition?.StringEquals?.['sts:ExternalId'];
    if (!eq || refOf(eq) !== expected.externalIdRef) problems.push(`no StringEquals sts:ExternalId = Ref ${expected.externalIdRef}`);
  }
  if (statements.filter((s) => s.Effect === 'Allow').length !== 1) problems.push(`${statements.length} statements: exactly one Allow`);
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// What fleet-service calls

/** IAM prefixes of the SDK client packages whose name differs. */
const IAM_PREFIX: Record<string, string> = { 'elastic-load-balancing-v2': 'elasticloadbalancing' };
/** SDK operations whose IAM action has another name. */
const IAM_ACTION: Record<string, string> = { 's3:ListBuckets': 's3:ListAllMyBuckets' };

/**
 * The AWS calls in TypeScript sources, as IAM actions: `new XCommand(` and `paginateX(` of the `@aws-sdk/client-*`
 * packages each file imports. A file importing two clients is refused (the call could belong to either).
 */
export function awsCallsIn(files: string[]): Map<string, string[]> {
  const calls = new Map<string, string[]>();
  for (const file of files) {
    const src = readFileSync(file, 'utf8');
    const clients = [...new Set([...src.matchAll(/from '@aws-sdk\/client-([a-z0-9-]+)'/g)].map((m) => m[1]))];
    if (clients.length === 0) continue;
    if (clients.length > 1) throw new Error(`${file}: imports ${clients.join(', ')}; split it or teach awsCallsIn which call is whose`);
    const prefix = IAM_PREFIX[clients[0]] ?? clients[0];
    const ops = [...src.matchAll(/new ([A-Z][A-Za-z0-9]*)Command\(/g), ...src.matchAll(/\bpaginate([A-Z][A-Za-z0-9]*)\(/g)].map((m) => m[1]);
    for (const op of ops) {
      const action = IAM_ACTION[`${prefix}:${op}`] ?? `${prefix}:${op}`;
      calls.set(action, [...(calls.get(action) ?? []), file]);
    }
  }
  return calls;
}

/** Non-spec TypeScript files under a folder, recursively. */
export function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourcesUnder(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [p] : [];
  });
}
