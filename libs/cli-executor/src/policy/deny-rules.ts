/**
 * The deny list: commands no role may run, whatever `allowMutations` says. It protects the AWS accounts
 * (privilege escalation, audit evasion, credential minting, public exposure). Its YAML-shaped form is
 * `{ deny: [{ match }, { wildcard }, { regex }], mode?: 'extend' | 'replace' }`; YAML parsing is the caller's.
 */

export type DenyRuleInput =
  | { match: string; message?: string }
  | { wildcard: string; message?: string }
  | { regex: string; message?: string };

export interface DenyListConfig {
  deny: DenyRuleInput[];
  /** `extend` (default) adds to DEFAULT_DENY_RULES; `replace` drops them. */
  mode?: 'extend' | 'replace';
}

export interface DenyRule {
  kind: 'match' | 'wildcard' | 'regex';
  source: string;
  message: string;
  matches(command: { service: string; operation: string; argv: readonly string[] }): boolean;
}

export class DenyRuleConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DenyRuleConfigError';
  }
}

const CREDENTIALS = 'it mints credentials or tokens from the server key, which would escape this policy';
const SECRETS = 'reading secret values is denied by default; an administrator can lift this in the deny-list configuration';
const AUDIT = 'it weakens audit logging or threat detection';
const ESCALATION = 'it can grant new identities or privileges';

/** The defaults. Exact entries name one command, wildcards a family, regexes look at the whole argv. */
export const DEFAULT_DENY_RULES: readonly DenyRuleInput[] = [
  // Identity and privilege escalation
  { match: 'iam create-user', message: `iam create-user is denied: ${ESCALATION}` },
  { match: 'iam create-access-key', message: `iam create-access-key is denied: ${ESCALATION}` },
  { match: 'iam create-login-profile', message: `iam create-login-profile is denied: ${ESCALATION}` },
  { match: 'iam update-login-profile', message: `iam update-login-profile is denied: ${ESCALATION}` },
  { match: 'iam update-access-key', message: `iam update-access-key is denied: ${ESCALATION}` },
  { match: 'iam update-assume-role-policy', message: `iam update-assume-role-policy is denied: ${ESCALATION}` },
  { match: 'iam create-policy-version', message: `iam create-policy-version is denied: ${ESCALATION}` },
  { match: 'iam set-default-policy-version', message: `iam set-default-policy-version is denied: ${ESCALATION}` },
  { match: 'iam add-user-to-group', message: `iam add-user-to-group is denied: ${ESCALATION}` },
  { match: 'iam create-service-specific-credential', message: `iam create-service-specific-credential is denied: ${CREDENTIALS}` },
  { match: 'iam reset-service-specific-credential', message: `iam reset-service-specific-credential is denied: ${CREDENTIALS}` },
  { match: 'iam change-password', message: 'iam change-password is denied: it would give console access as the server identity' },
  { match: 'iam upload-ssh-public-key', message: `iam upload-ssh-public-key is denied: ${CREDENTIALS}` },
  { match: 'iam upload-signing-certificate', message: `iam upload-signing-certificate is denied: ${CREDENTIALS}` },
  { wildcard: 'iam create-*-provider', message: 'creating an identity provider is denied: it makes the account trust an outside identity system' },
  { wildcard: 'iam attach-*-policy', message: `attaching IAM policies is denied: ${ESCALATION}` },
  { wildcard: 'iam put-*-policy', message: `inline IAM policies are denied: ${ESCALATION}` },
  { wildcard: 'iam delete-*', message: 'deleting IAM entities is denied: it can lock out the account owners and this service' },
  // Audit and detection
  { match: 'cloudtrail stop-logging', message: `cloudtrail stop-logging is denied: ${AUDIT}` },
  { match: 'cloudtrail update-trail', message: `cloudtrail update-trail is denied: ${AUDIT}` },
  { match: 'cloudtrail put-event-selectors', message: `cloudtrail put-event-selectors is denied: ${AUDIT}` },
  { wildcard: 'cloudtrail delete-*', message: `deleting CloudTrail trails or stores is denied: ${AUDIT}` },
  { wildcard: '* delete-trail', message: `deleting a trail is denied: ${AUDIT}` },
  { match: 'guardduty delete-detector', message: `guardduty delete-detector is denied: ${AUDIT}` },
  { match: 'configservice stop-configuration-recorder', message: `configservice stop-configuration-recorder is denied: ${AUDIT}` },
  { match: 'configservice delete-configuration-recorder', message: `configservice delete-configuration-recorder is denied: ${AUDIT}` },
  { match: 'configservice delete-delivery-channel', message: `configservice delete-delivery-channel is denied: ${AUDIT}` },
  { match: 'securityhub disable-security-hub', message: `securityhub disable-security-hub is denied: ${AUDIT}` },
  // Keys and the organization
  { match: 'kms schedule-key-deletion', message: 'kms schedule-key-deletion is denied: data encrypted under the key becomes unrecoverable' },
  { match: 'kms disable-key', message: 'kms disable-key is denied: it breaks every workload that decrypts with the key' },
  { match: 'kms put-key-policy', message: 'kms put-key-policy is denied: a bad key policy can lock everyone out of the key' },
  { match: 'organizations leave-organization', message: 'organizations leave-organization is denied: it removes the account from central governance' },
  { match: 'organizations delete-organization', message: 'organizations delete-organization is denied' },
  { match: 'organizations remove-account-from-organization', message: 'organizations remove-account-from-organization is denied' },
  { match: 'organizations close-account', message: 'organizations close-account is denied' },
  // Credential minting: these are reads by name, but hand out credentials usable outside this policy.
  { match: 'sts get-session-token', message: `sts get-session-token is denied: ${CREDENTIALS}` },
  { match: 'sts get-federation-token', message: `sts get-federation-token is denied: ${CREDENTIALS}` },
  { wildcard: 'sts assume-*', message: `sts assume-role and its variants are denied: ${CREDENTIALS}` },
  { match: 'eks get-token', message: `eks get-token is denied: ${CREDENTIALS}` },
  { wildcard: 'ecr get-login*', message: `ecr get-login is denied: ${CREDENTIALS}` },
  { match: 'ecr get-authorization-token', message: `ecr get-authorization-token is denied: ${CREDENTIALS}` },
  { wildcard: 'ecr-public get-*', message: `ecr-public login tokens are denied: ${CREDENTIALS}` },
  { match: 'codeartifact get-authorization-token', message: `codeartifact get-authorization-token is denied: ${CREDENTIALS}` },
  { wildcard: 'redshift get-cluster-credentials*', message: `redshift get-cluster-credentials is denied: ${CREDENTIALS}` },
  { match: 'redshift-serverless get-credentials', message: `redshift-serverless get-credentials is denied: ${CREDENTIALS}` },
  { match: 'rds generate-db-auth-token', message: `rds generate-db-auth-token is denied: ${CREDENTIALS}` },
  { match: 's3 presign', message: `s3 presign is denied: ${CREDENTIALS} (a presigned URL works for days, even after access is revoked)` },
  { match: 'sso get-role-credentials', message: `sso get-role-credentials is denied: ${CREDENTIALS}` },
  { match: 'cognito-identity get-credentials-for-identity', message: `cognito-identity get-credentials-for-identity is denied: ${CREDENTIALS}` },
  { match: 'lightsail get-instance-access-details', message: `lightsail get-instance-access-details is denied: ${CREDENTIALS}` },
  { match: 'lightsail get-relational-database-master-user-password', message: `lightsail get-relational-database-master-user-password is denied: ${SECRETS}` },
  { wildcard: 'ec2-instance-connect send-*', message: `ec2-instance-connect is denied: ${CREDENTIALS}` },
  // Secret values
  { match: 'secretsmanager get-secret-value', message: `secretsmanager get-secret-value is denied: ${SECRETS}` },
  { match: 'secretsmanager batch-get-secret-value', message: `secretsmanager batch-get-secret-value is denied: ${SECRETS}` },
  // The CLI accepts unambiguous abbreviations (--with, --w), hence `--w` rather than the full name.
  { regex: '^ssm get-parameters?(-by-path)? (.* )?--w', message: `ssm --with-decryption is denied: ${SECRETS}` },
  // Public exposure
  {
    regex: '^ec2 (authorize-security-group-ingress|modify-security-group-rules) .*(\\b\\d{1,3}(\\.\\d{1,3}){3}/[0-7]|[0-9a-f]{0,4}:[0-9a-f:]{0,40}/([0-9]|1[0-5]))(?![0-9])',
    message: 'opening a security group to the whole internet (0.0.0.0/0, ::/0 or a prefix shorter than /8) is denied',
  },
  { regex: '^s3api put-(bucket|object)-acl .*(public-read|authenticated-read|AllUsers|AuthenticatedUsers)', message: 'public S3 ACLs are denied' },
  { regex: '^s3 (cp|mv|sync) .*--ac[a-z]*[ =](public-read|authenticated-read)', message: 'public S3 ACLs are denied' },
  { wildcard: 's3api delete-public-access-block', message: 'removing the S3 public access block is denied' },
  { wildcard: 's3control delete-public-access-block', message: 'removing the S3 account public access block is denied' },
  { regex: '^ec2 modify-(snapshot|image)-attribute .*\\ball\\b', message: 'sharing snapshots or images with all accounts is denied' },
  { regex: '^rds modify-db(-cluster)?-snapshot-attribute .*\\ball\\b', message: 'sharing RDS snapshots with all accounts is denied' },
  { regex: '^lambda add-permission .*--principal[ =]\\*', message: 'granting a Lambda function to any principal (*) is denied' },
  // A policy document, possibly JSON inside JSON (sqs Attributes), whose Principal is "*" or {"AWS": "*"}.
  // Bounded quantifiers keep this unanchored regex linear on an 8 KiB command.
  {
    regex: '\\\\{0,7}"principal\\\\{0,7}"\\s{0,9}:\\s{0,9}(\\{\\s{0,9}\\\\{0,7}"aws\\\\{0,7}"\\s{0,9}:\\s{0,9})?(\\[\\s{0,9})?\\\\{0,7}"\\*\\\\{0,7}"',
    message: 'resource policies that grant Principal "*" are denied by default: they can make the resource public',
  },
];

const COMMAND_SHAPE = /^[a-z0-9-]+$/;
const WILDCARD_SHAPE = /^[a-z0-9*-]+$/;
const MAX_REGEX_LENGTH = 1000;

/** JSON lets `/` and any character be escaped (`0.0.0.0\/0`, `\u002f`); regexes must see through that. */
function unescapeJson(s: string): string {
  return s.replace(/\\u([0-9a-fA-F]{4})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))).replace(/\\\//g, '/');
}

/** `iam create-user` or `iam:create-user` → ['iam', 'create-user']. */
function splitCommand(text: string): string[] {
  return text.trim().split(/[\s:]+/);
}

function describe(index: number, rule: unknown): string {
  let shown: string;
  try {
    shown = JSON.stringify(rule) ?? String(rule);
  } catch {
    shown = String(rule);
  }
  return `deny[${index}] ${shown.length > 120 ? `${shown.slice(0, 117)}...` : shown}`;
}

/** Validates one YAML-shaped rule and compiles it; throws DenyRuleConfigError naming the bad rule. */
export function compileDenyRule(input: unknown, index: number): DenyRule {
  const where = describe(index, input);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new DenyRuleConfigError(`${where}: a rule must be an object with one of match, wildcard or regex`);
  }
  const rule = input as Record<string, unknown>;
  const unknownKeys = Object.keys(rule).filter((k) => !['match', 'wildcard', 'regex', 'message'].includes(k));
  if (unknownKeys.length) throw new DenyRuleConfigError(`${where}: unknown key(s) ${unknownKeys.join(', ')}`);
  const kinds = (['match', 'wildcard', 'regex'] as const).filter((k) => k in rule);
  if (kinds.length !== 1) throw new DenyRuleConfigError(`${where}: needs exactly one of match, wildcard or regex`);
  const kind = kinds[0];
  const source = rule[kind];
  if (typeof source !== 'string' || source.trim() === '') throw new DenyRuleConfigError(`${where}: ${kind} must be a non-empty string`);
  if (rule.message !== undefined && (typeof rule.message !== 'string' || rule.message.trim() === '')) {
    throw new DenyRuleConfigError(`${where}: message must be a non-empty string`);
  }
  const message = (rule.message as string | undefined) ?? `${source} is on the deny list`;

  if (kind === 'regex') {
    if (source.length > MAX_REGEX_LENGTH) throw new DenyRuleConfigError(`${where}: regex longer than ${MAX_REGEX_LENGTH} characters`);
    let re: RegExp;
    try {
      re = new RegExp(source, 'i');
    } catch (e) {
      throw new DenyRuleConfigError(`${where}: regex does not compile: ${(e as Error).message}`);
    }
    return {
      kind,
      source,
      message,
      matches: ({ argv }) => {
        const raw = argv.join(' ');
        return re.test(raw) || re.test(unescapeJson(raw));
      },
    };
  }

  const parts = splitCommand(source);
  const shape = kind === 'match' ? COMMAND_SHAPE : WILDCARD_SHAPE;
  if (parts.length !== 2 || !parts.every((p) => shape.test(p))) {
    throw new DenyRuleConfigError(
      `${where}: ${kind} must be "service operation" using ${kind === 'match' ? 'a-z, 0-9 and -' : 'a-z, 0-9, - and the * wildcard'}`,
    );
  }
  if (kind === 'match') {
    const [service, operation] = parts;
    return { kind, source, message, matches: (c) => c.service === service && c.operation === operation };
  }
  const [serviceRe, operationRe] = parts.map((p) => new RegExp(`^${p.replace(/\*/g, '[a-z0-9-]*')}$`));
  return { kind, source, message, matches: (c) => serviceRe.test(c.service) && operationRe.test(c.operation) };
}

/** Builds the effective deny list from the defaults and an optional YAML-shaped configuration. */
export function compileDenyList(config?: unknown): DenyRule[] {
  const defaults = DEFAULT_DENY_RULES.map((r, i) => compileDenyRule(r, i));
  if (config === undefined || config === null) return defaults;
  if (typeof config !== 'object' || Array.isArray(config)) throw new DenyRuleConfigError('deny-list configuration must be an object { deny: [...], mode? }');
  const { deny, mode, ...rest } = config as Record<string, unknown>;
  if (Object.keys(rest).length) throw new DenyRuleConfigError(`deny-list configuration: unknown key(s) ${Object.keys(rest).join(', ')}`);
  if (!Array.isArray(deny)) throw new DenyRuleConfigError('deny-list configuration: deny must be a list of rules');
  if (mode !== undefined && mode !== 'extend' && mode !== 'replace') {
    throw new DenyRuleConfigError(`deny-list configuration: mode must be "extend" or "replace", got ${JSON.stringify(mode)}`);
  }
  const configured = deny.map((r, i) => compileDenyRule(r, i));
  return mode === 'replace' ? configured : [...defaults, ...configured];
}
