/**
 * Which operations count as reads. Anything not listed here is treated as a mutation (fail closed), so a new
 * AWS operation needs operator/admin and `allowMutations` until someone adds it here on purpose.
 *
 * Prefixes are only listed when every operation carrying them in the AWS CLI's models is side-effect free.
 * `check-` and `test-` are NOT prefixes on purpose: `license-manager check-in-license` returns a license and
 * `apigateway test-invoke-method`, `stepfunctions test-state`, `dms test-connection` run real work; the safe
 * ones are listed one by one below.
 */
export const READ_OPERATION_PREFIXES: readonly string[] = [
  'describe-',
  'list-',
  'get-',
  'head-',
  'search-',
  'lookup-',
  'batch-get-',
  'validate-',
  'estimate-',
  'simulate-',
];

/** Operation names that are reads in every service. */
export const READ_OPERATIONS: readonly string[] = [
  'help', // `aws ec2 help`: documentation only
  'wait', // waiters poll describe-* calls
  'scan', // dynamodb
  'query', // dynamodb, kendra, timestream-query
  'search', // sagemaker, resource-explorer-2, datazone, cloudsearchdomain
];

/** Reads that carry no read prefix, as `service operation`. */
export const READ_COMMANDS: readonly string[] = [
  's3 ls',
  's3 presign', // a read, but denied by default (see deny-rules.ts): it mints a signed URL
  'logs filter-log-events',
  'logs test-metric-filter',
  'logs test-transformer',
  'events test-event-pattern',
  'route53 test-dns-answer',
  'ses test-render-template',
  'sesv2 test-render-email-template',
  'iot test-authorization',
  'sts decode-authorization-message',
  'accessanalyzer check-access-not-granted',
  'accessanalyzer check-no-new-access',
  'accessanalyzer check-no-public-access',
  'elasticbeanstalk check-dns-availability',
  'glue check-schema-version-validity',
  'route53domains check-domain-availability',
  'route53domains check-domain-transferability',
  'sns check-if-phone-number-is-opted-out',
  'wafv2 check-capacity',
  'configservice select-resource-config',
  'configservice select-aggregate-resource-config',
  'rds download-db-log-file-portion',
];

/** Operations that carry a read prefix but change state, as `service operation`. */
export const MUTATING_DESPITE_PREFIX: readonly string[] = [
  'cognito-identity get-id', // creates an identity
  'cognito-identity get-open-id-token',
  'cognito-identity get-open-id-token-for-developer-identity',
];

const readCommands = new Set(READ_COMMANDS);
const mutatingExceptions = new Set(MUTATING_DESPITE_PREFIX);

/** True when `service operation` is a read under the lists above. */
export function isReadOperation(service: string, operation: string): boolean {
  const command = `${service} ${operation}`;
  if (mutatingExceptions.has(command)) return false;
  if (readCommands.has(command)) return true;
  // The s3 high-level commands (cp, mv, sync, rm, mb, rb, website) are not API names: only ls/presign read.
  if (service === 's3') return operation === 'help';
  if (READ_OPERATIONS.includes(operation)) return true;
  return READ_OPERATION_PREFIXES.some((p) => operation.startsWith(p));
}
