/**
 * What the hub may do in a member account with the read-only role. Two parts, two managed policies:
 *
 * - INVENTORY_ACTIONS: exactly the calls fleet-service makes for a sync (apps/fleet-service/src/inventory: the
 *   collectors, region discovery, the access check). test/deploy/aws-member.spec.ts reads those sources and fails
 *   when a call is missing here.
 * - READ_COMMAND_ACTIONS: control-plane reads for fleet commands, whose reads the CLI policy recognises by their
 *   prefixes (libs/cli-executor READ_OPERATION_PREFIXES: describe-, list-, get-, ...). IAM actions follow the same
 *   verbs (Describe*, List*, Get*, ...); the spec checks every action against those verbs. Never `*` or
 *   `service:*`. Data-plane reads (object bodies, items, secret values, log events) are left out on purpose,
 *   and DENIED_READS blocks them even where a `Get*` would match, so the role reads configuration, not data.
 */

/** fleet-service's own calls, as IAM actions (s3 ListBuckets is s3:ListAllMyBuckets in IAM). */
export const INVENTORY_ACTIONS: readonly string[] = [
  'sts:GetCallerIdentity',
  'ec2:DescribeRegions',
  'ec2:DescribeInstances',
  'ec2:DescribeVolumes',
  'ec2:DescribeVpcs',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
  's3:ListAllMyBuckets',
  's3:GetBucketLocation',
  's3:GetBucketTagging',
  'lambda:ListFunctions',
  'lambda:ListTags',
  'rds:DescribeDBInstances',
  'dynamodb:ListTables',
  'dynamodb:DescribeTable',
  'dynamodb:ListTagsOfResource',
  'sqs:ListQueues',
  'sqs:GetQueueAttributes',
  'sqs:ListQueueTags',
  'sns:ListTopics',
  'sns:GetTopicAttributes',
  'sns:ListTagsForResource',
  'iam:ListRoles',
  'iam:ListRoleTags',
  'ecs:ListClusters',
  'ecs:DescribeClusters',
  'eks:ListClusters',
  'eks:DescribeCluster',
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeTags',
];

/** Configuration reads for `describe-*`, `list-*`, `get-*`, ... fleet commands, by service. */
const READ_COMMAND_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  acm: ['Describe*', 'List*'],
  autoscaling: ['Describe*'],
  cloudformation: ['Describe*', 'List*', 'GetTemplateSummary'],
  cloudfront: ['List*', 'GetDistribution', 'GetDistributionConfig'],
  cloudtrail: ['Describe*', 'List*', 'LookupEvents', 'GetTrailStatus', 'GetEventSelectors'],
  cloudwatch: ['Describe*', 'List*', 'GetMetricData', 'GetMetricStatistics'],
  config: ['Describe*', 'List*'],
  dynamodb: ['Describe*', 'List*'],
  ec2: ['Describe*'],
  ecr: ['Describe*', 'List*'],
  ecs: ['Describe*', 'List*'],
  eks: ['Describe*', 'List*'],
  elasticache: ['Describe*', 'List*'],
  elasticfilesystem: ['Describe*'],
  elasticloadbalancing: ['Describe*'],
  events: ['Describe*', 'List*'],
  iam: ['Get*', 'List*'],
  kms: ['Describe*', 'List*', 'GetKeyPolicy', 'GetKeyRotationStatus'],
  lambda: ['List*', 'GetFunctionConfiguration', 'GetPolicy', 'GetAccountSettings'],
  logs: ['Describe*', 'ListTagsForResource'],
  organizations: ['DescribeOrganization'],
  rds: ['Describe*', 'ListTagsForResource'],
  route53: ['Get*', 'List*'],
  s3: ['ListAllMyBuckets', 'ListBucket', 'GetBucket*', 'GetEncryptionConfiguration', 'GetLifecycleConfiguration', 'GetAccountPublicAccessBlock'],
  secretsmanager: ['DescribeSecret', 'ListSecrets'],
  sns: ['List*', 'GetTopicAttributes', 'GetSubscriptionAttributes'],
  sqs: ['ListQueues', 'ListQueueTags', 'ListDeadLetterSourceQueues', 'GetQueueAttributes', 'GetQueueUrl'],
  ssm: ['DescribeParameters', 'DescribeInstanceInformation', 'ListTagsForResource'],
  states: ['Describe*', 'List*'],
  tag: ['GetResources', 'GetTagKeys', 'GetTagValues'],
};

/** Reads that return data or credentials rather than configuration: denied whatever else allows them. */
export const DENIED_READS: readonly string[] = [
  's3:GetObject*',
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'secretsmanager:GetSecretValue',
  'secretsmanager:BatchGetSecretValue',
  'ssm:GetParameter*',
  'kms:Decrypt',
  'lambda:GetFunction',
  'logs:GetLogEvents',
  'logs:FilterLogEvents',
  'ecr:GetAuthorizationToken',
  'ecr:GetDownloadUrlForLayer',
  'ecr:BatchGetImage',
  'sts:GetSessionToken',
  'sts:GetFederationToken',
];

/** READ_COMMAND_ACTIONS as a flat list of `service:Action`. */
export function readCommandActions(): string[] {
  return Object.entries(READ_COMMAND_ACTIONS).flatMap(([service, actions]) => actions.map((a) => `${service}:${a}`));
}

/**
 * What the optional operator role may change, beyond everything the read-only role reads: starting, stopping and
 * rebooting, scaling, and tags. Anything else (IAM, networking, deletion) needs a policy of your own attached to
 * the role, and the hub's CLI deny list applies on top of IAM.
 */
export const OPERATOR_ACTIONS: readonly string[] = [
  'ec2:StartInstances',
  'ec2:StopInstances',
  'ec2:RebootInstances',
  'ec2:CreateTags',
  'ec2:DeleteTags',
  'rds:StartDBInstance',
  'rds:StopDBInstance',
  'rds:RebootDBInstance',
  'rds:AddTagsToResource',
  'rds:RemoveTagsFromResource',
  'ecs:UpdateService',
  'ecs:TagResource',
  'ecs:UntagResource',
  'autoscaling:SetDesiredCapacity',
  'lambda:TagResource',
  'lambda:UntagResource',
  'tag:TagResources',
  'tag:UntagResources',
];
