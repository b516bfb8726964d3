/**
 * Commands that would touch the server itself (its disk, its processes, its CLI configuration) rather than
 * the AWS account. They are refused for every role and cannot be re-enabled by the deny-list configuration,
 * because the deny list protects accounts while this list protects the machine holding the keys.
 */

/** CLI customizations that read/write local files, run local programs or edit local configuration. */
export const LOCAL_ACCESS_COMMANDS: Readonly<Record<string, string>> = {
  'configure *': 'it reads and writes the CLI configuration on the server',
  'history *': 'it reads the CLI history on the server',
  'cloudformation package': 'it reads templates and artifacts from the server disk',
  'cloudformation deploy': 'it reads a template file from the server disk',
  'cloudfront sign': 'it reads a private key file from the server disk',
  'codeartifact login': 'it runs npm/pip/twine/dotnet on the server and edits their configuration',
  'codecommit credential-helper': 'it is a git helper that reads the server standard input',
  'deploy push': 'it uploads a folder from the server',
  'deploy install': 'it installs the CodeDeploy agent on the server',
  'deploy uninstall': 'it uninstalls software on the server',
  'deploy register': 'it writes an on-premises configuration file on the server',
  'ecs deploy': 'it reads task definition and appspec files from the server disk',
  'ecs execute-command': 'it starts an interactive session plugin on the server',
  'eks update-kubeconfig': 'it writes a kubeconfig file on the server',
  'emr ssh': 'it runs ssh on the server with a local key file',
  'emr socks': 'it runs ssh on the server with a local key file',
  'emr get': 'it copies files to the server with scp',
  'emr put': 'it copies files from the server with scp',
  'gamelift upload-build': 'it uploads a folder from the server',
  'gamelift get-game-session-log': 'it writes a file on the server',
  'iam create-virtual-mfa-device': 'it writes the MFA seed to a file on the server',
  'opsworks register': 'it runs commands over ssh from the server',
  'servicecatalog generate': 'it reads a file from the server disk',
  'ssm start-session': 'it starts an interactive session plugin on the server',
};

/**
 * Operations with a streaming body. For these, AWS CLI v1 takes a plain local path (no file:// prefix):
 * streaming output is written to an `outfile` positional, streaming input (`s3api put-object --body`) is
 * read from a path. Generated from botocore's models (operation_model.has_streaming_output/input, plus
 * s3api select-object-content's event-stream outfile) for aws-cli 1.45; regenerate when upgrading the CLI:
 *
 *   from awscli.clidriver import create_clidriver; from botocore import xform_name
 *   d = create_clidriver(); s = d.session
 *   for name, cmd in d._get_command_table().items():
 *     if hasattr(cmd, '_service_name'):
 *       sm = s.get_service_model(cmd._service_name)
 *       for op in sm.operation_names:
 *         om = sm.operation_model(op)
 *         if om.has_streaming_output or om.has_streaming_input: print(name, xform_name(op, '-'))
 */
export const STREAMING_OPERATIONS: ReadonlySet<string> = new Set([
  'apigateway get-export',
  'apigateway get-sdk',
  'apigateway import-api-keys',
  'apigateway import-documentation-parts',
  'apigateway import-rest-api',
  'apigateway put-rest-api',
  'apigatewaymanagementapi post-to-connection',
  'apigatewayv2 export-api',
  'appconfig create-hosted-configuration-version',
  'appconfig get-configuration',
  'appconfig get-hosted-configuration-version',
  'appconfigdata get-latest-configuration',
  'appsync get-introspection-schema',
  'bedrock-agentcore invoke-agent-runtime',
  'bedrock-runtime invoke-model',
  'bedrock-runtime invoke-model-with-response-stream',
  'cloudfront get-connection-function',
  'cloudfront get-function',
  'cloudsearchdomain upload-documents',
  'codeartifact get-package-version-asset',
  'codeartifact publish-package-version',
  'codeguruprofiler get-profile',
  'codeguruprofiler post-agent-profile',
  'datazone get-lineage-event',
  'datazone post-lineage-event',
  'ebs get-snapshot-block',
  'ebs put-snapshot-block',
  'geo-maps get-glyphs',
  'geo-maps get-sprites',
  'geo-maps get-static-map',
  'geo-maps get-style-descriptor',
  'geo-maps get-tile',
  'glacier get-job-output',
  'glacier upload-archive',
  'glacier upload-multipart-part',
  'iot-data delete-thing-shadow',
  'iot-data get-thing-shadow',
  'iot-data publish',
  'iot-data update-thing-shadow',
  'iotwireless get-position-estimate',
  'iotwireless get-resource-position',
  'iotwireless update-resource-position',
  'kinesis-video-archived-media get-clip',
  'kinesis-video-archived-media get-media-for-fragment-list',
  'kinesis-video-media get-media',
  'lakeformation get-work-unit-results',
  'lambda invoke',
  'lambda invoke-async',
  'lambda invoke-with-response-stream',
  'lambda send-durable-execution-callback-success',
  'lex-runtime post-content',
  'lex-runtime put-session',
  'lexv2-runtime put-session',
  'lexv2-runtime recognize-utterance',
  'location get-map-glyphs',
  'location get-map-sprites',
  'location get-map-style-descriptor',
  'location get-map-tile',
  'medialive describe-input-device-thumbnail',
  'mediastore-data get-object',
  'mediastore-data put-object',
  'medical-imaging get-image-frame',
  'medical-imaging get-image-set-metadata',
  'neptune-graph execute-query',
  'neptunedata execute-gremlin-explain-query',
  'neptunedata execute-gremlin-profile-query',
  'neptunedata execute-open-cypher-explain-query',
  'omics get-read-set',
  'omics get-reference',
  'omics upload-read-set-part',
  'polly synthesize-speech',
  's3api get-object',
  's3api get-object-torrent',
  's3api put-object',
  's3api select-object-content',
  's3api upload-part',
  's3api write-get-object-response',
  'sagemaker-geospatial get-tile',
  'sagemaker-runtime invoke-endpoint',
  'sagemaker-runtime invoke-endpoint-with-response-stream',
  'schemas get-code-binding-source',
  'tnb get-sol-function-package-content',
  'tnb get-sol-function-package-descriptor',
  'tnb get-sol-network-package-content',
  'tnb get-sol-network-package-descriptor',
  'tnb put-sol-function-package-content',
  'tnb put-sol-network-package-content',
  'tnb validate-sol-function-package-content',
  'tnb validate-sol-network-package-content',
  'workmailmessageflow get-raw-message-content',
]);

/** Options that take a plain local path in commands that are otherwise fine; abbreviations are refused too. */
export const LOCAL_PATH_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  'ec2 get-password-data': ['--priv-launch-key'],
  'iot create-keys-and-certificate': ['--certificate-pem-outfile', '--public-key-outfile', '--private-key-outfile'],
  'iot create-certificate-from-csr': ['--certificate-pem-outfile'],
};

/** s3 high-level commands that move data between a local path and S3. */
export const S3_TRANSFER_COMMANDS: readonly string[] = ['cp', 'mv', 'sync'];

/** Options of `s3 cp/mv/sync` that take a value; any other option is taken to be a flag. Treating an unknown
 * option as a flag is the safe direction: the token after it is then checked as a path and must be s3://. */
export const S3_VALUE_OPTIONS: ReadonlySet<string> = new Set([
  '--include',
  '--exclude',
  '--acl',
  '--sse',
  '--sse-c',
  '--sse-c-key',
  '--sse-kms-key-id',
  '--sse-c-copy-source',
  '--sse-c-copy-source-key',
  '--storage-class',
  '--website-redirect',
  '--content-type',
  '--cache-control',
  '--content-disposition',
  '--content-encoding',
  '--content-language',
  '--expires',
  '--source-region',
  '--page-size',
  '--metadata',
  '--metadata-directive',
  '--expected-size',
  '--request-payer',
  '--case-conflict',
  '--checksum-mode',
  '--checksum-algorithm',
  '--query',
  '--output',
  '--color',
  '--cli-read-timeout',
  '--cli-connect-timeout',
]);

/** `--grants` takes several values, like argparse's nargs='+': everything up to the next option. */
export const S3_MULTI_VALUE_OPTIONS: ReadonlySet<string> = new Set(['--grants']);
