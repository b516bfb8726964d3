/**
 * Facts about AWS CLI v1 (checked against aws-cli 1.45 / botocore 1.43) that the policy relies on.
 */

/** Global options of AWS CLI v1 (`awscli/data/cli.json`). The CLI parses them anywhere in argv and, being
 * argparse with abbreviations on, also accepts any unambiguous prefix (`--endpoint-u`, `--prof`). */
export const GLOBAL_OPTIONS: readonly string[] = [
  '--debug',
  '--endpoint-url',
  '--no-verify-ssl',
  '--no-paginate',
  '--output',
  '--query',
  '--profile',
  '--region',
  '--version',
  '--color',
  '--no-sign-request',
  '--ca-bundle',
  '--cli-read-timeout',
  '--cli-connect-timeout',
  '--v2-debug',
];

/** Options nobody may pass: each would let the caller change where, as whom or how safely the call is made. */
export const FORBIDDEN_OPTIONS: Readonly<Record<string, string>> = {
  '--endpoint-url': 'the endpoint is set by the executor for the target account',
  '--profile': 'credentials come from the target account, not from a named profile',
  '--region': 'the region is set by the executor from the chosen target; pick another target instead of passing --region',
  '--ca-bundle': 'it reads a file from the server and changes TLS trust',
  '--no-verify-ssl': 'it turns off TLS verification',
  '--debug': 'debug logs expose request signing details and local configuration',
  '--v2-debug': 'debug output is not returned to callers',
  '--cli-input-json': 'parameters must be given as options so the policy can see them (it also loads file:// and http:// input)',
  '--cli-input-yaml': 'parameters must be given as options so the policy can see them',
};

/** Any option with `outfile` in its name writes to the server's disk (iot create-keys-and-certificate
 * --certificate-pem-outfile, iam create-virtual-mfa-device --outfile, ...). */
export const OUTFILE_OPTION = /outfile/;

/**
 * Parameters whose `http(s)://` value AWS CLI v1 does NOT fetch: the CLI's own `PARAMFILE_DISABLED` list
 * (awscli/paramfile.py), restricted to entries where the CLI command name equals the event's service name,
 * as `service.operation.option`. Every other parameter starting with http:// or https:// makes the CLI GET
 * that URL from the server and send the body as the value (SSRF: e.g. the instance metadata endpoint).
 */
export const URL_VALUE_ALLOWED: ReadonlySet<string> = new Set([
  ...[
    'add-permission',
    'change-message-visibility',
    'change-message-visibility-batch',
    'delete-message',
    'delete-message-batch',
    'delete-queue',
    'get-queue-attributes',
    'list-dead-letter-source-queues',
    'receive-message',
    'remove-permission',
    'send-message',
    'send-message-batch',
    'set-queue-attributes',
    'purge-queue',
    'list-queue-tags',
    'tag-queue',
    'untag-queue',
  ].map((op) => `sqs.${op}.--queue-url`),
  'cloudformation.create-stack.--template-url',
  'cloudformation.update-stack.--template-url',
  'cloudformation.create-stack-set.--template-url',
  'cloudformation.update-stack-set.--template-url',
  'cloudformation.create-change-set.--template-url',
  'cloudformation.validate-template.--template-url',
  'cloudformation.estimate-template-cost.--template-url',
  'cloudformation.get-template-summary.--template-url',
  'cloudformation.create-stack.--stack-policy-url',
  'cloudformation.update-stack.--stack-policy-url',
  'cloudformation.set-stack-policy.--stack-policy-url',
  'cloudformation.update-stack.--stack-policy-during-update-url',
  's3api.copy-object.--website-redirect-location',
  's3api.create-multipart-upload.--website-redirect-location',
  'sns.subscribe.--notification-endpoint',
  'iam.create-open-id-connect-provider.--url',
]);
