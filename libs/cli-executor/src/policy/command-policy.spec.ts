import { CommandPolicy, PolicyContext } from './command-policy';
import { DenyRuleConfigError } from './deny-rules';
import { CLI_POLICY_CODES, CliPolicyCode } from './policy-codes';

const viewer: PolicyContext = { role: 'viewer', allowMutations: false };
const operator: PolicyContext = { role: 'operator', allowMutations: true };
const admin: PolicyContext = { role: 'admin', allowMutations: true };

describe('CommandPolicy', () => {
  const policy = new CommandPolicy();

  describe('allowed reads parse to the argv the CLI will get', () => {
    it.each<[string, string[]]>([
      ['ec2 describe-instances', ['ec2', 'describe-instances']],
      ['aws sts get-caller-identity', ['sts', 'get-caller-identity']],
      [`  ec2   describe-instances --filters "Name=tag:Name,Values=web server" 'Name=instance-state-name,Values=running'`, ['ec2', 'describe-instances', '--filters', 'Name=tag:Name,Values=web server', 'Name=instance-state-name,Values=running']],
      [`ec2 describe-instances --query "Reservations[].Instances[?State.Name=='running'].InstanceId"`, ['ec2', 'describe-instances', '--query', "Reservations[].Instances[?State.Name=='running'].InstanceId"]],
      ['s3 ls s3://my-bucket/logs/ --recursive', ['s3', 'ls', 's3://my-bucket/logs/', '--recursive']],
      ['s3api list-objects-v2 --bucket b --max-items 10 --output=text', ['s3api', 'list-objects-v2', '--bucket', 'b', '--max-items', '10', '--output=text']],
      ['ec2 help', ['ec2', 'help']],
      ['dynamodb scan --table-name t', ['dynamodb', 'scan', '--table-name', 't']],
      ['sqs get-queue-attributes --queue-url https://sqs.us-east-1.amazonaws.com/1/q', ['sqs', 'get-queue-attributes', '--queue-url', 'https://sqs.us-east-1.amazonaws.com/1/q']],
      [`iam simulate-custom-policy --policy-input-list '{"Resource":"arn:aws:s3:::b/\${aws:username}/*"}' --action-names s3:GetObject`, ['iam', 'simulate-custom-policy', '--policy-input-list', '{"Resource":"arn:aws:s3:::b/${aws:username}/*"}', '--action-names', 's3:GetObject']],
      ['ec2 describe-instances --instance-ids i-1\\ 2 ""', ['ec2', 'describe-instances', '--instance-ids', 'i-1 2', '']],
    ])('%s', (line, argv) => {
      const decision = policy.check(line, viewer);
      expect(decision).toEqual({ allowed: true, argv, service: argv[0], operation: argv[1], mutating: false });
    });
  });

  describe('refusals carry an exact code and status', () => {
    const cases: [string, string, CliPolicyCode, PolicyContext?][] = [
      // shell syntax
      ['pipe', 'ec2 describe-instances | sh', 'CLI_SHELL_SYNTAX'],
      ['glued pipe', 'ec2 describe-instances|sh', 'CLI_SHELL_SYNTAX'],
      ['semicolon', 'ec2 describe-instances; rm -rf /', 'CLI_SHELL_SYNTAX'],
      ['and-list', 'ec2 describe-instances && curl evil', 'CLI_SHELL_SYNTAX'],
      ['or-list', 'ec2 describe-instances || true', 'CLI_SHELL_SYNTAX'],
      ['background', 'ec2 describe-instances & sleep 1', 'CLI_SHELL_SYNTAX'],
      ['command substitution', 'ec2 describe-instances --instance-ids $(cat /etc/passwd)', 'CLI_SHELL_SYNTAX'],
      ['command substitution in single quotes', "ec2 describe-instances --instance-ids '$(id)'", 'CLI_SHELL_SYNTAX'],
      ['backticks in double quotes', 'ec2 describe-instances --instance-ids "`id`"', 'CLI_SHELL_SYNTAX'],
      ['redirection out', 'ec2 describe-instances > /tmp/x', 'CLI_SHELL_SYNTAX'],
      ['append redirection', 'ec2 describe-instances >> /tmp/x', 'CLI_SHELL_SYNTAX'],
      ['redirection in', 'ec2 describe-instances < /etc/passwd', 'CLI_SHELL_SYNTAX'],
      ['newline', 'ec2 describe-instances\nrm -rf /', 'CLI_SHELL_SYNTAX'],
      ['parameter expansion', 'ec2 describe-instances --instance-ids ${HOME}', 'CLI_SHELL_SYNTAX'],
      ['variable in double quotes', 'ec2 describe-instances --instance-ids "$AWS_SECRET_ACCESS_KEY"', 'CLI_SHELL_SYNTAX'],
      ['carriage return', 'ec2 describe-instances\r', 'CLI_INVALID_CHARACTER'],
      ['NUL byte', 'ec2 describe-instances --instance-ids a\u0000b', 'CLI_INVALID_CHARACTER'],
      ['bidi override', 'ec2 describe-instances --instance-ids \u202Eabc', 'CLI_INVALID_CHARACTER'],
      ['unterminated single quote', "ec2 describe-instances --instance-ids 'i-1", 'CLI_UNTERMINATED_QUOTE'],
      ['unterminated double quote', 'ec2 describe-instances --instance-ids "i-1', 'CLI_UNTERMINATED_QUOTE'],
      ['trailing backslash', 'ec2 describe-instances \\', 'CLI_UNTERMINATED_QUOTE'],
      // shape
      ['empty command', '   ', 'CLI_COMMAND_EMPTY'],
      ['only aws', 'aws', 'CLI_COMMAND_EMPTY'],
      ['very long command', `ec2 describe-instances --instance-ids ${'i-0123456789 '.repeat(700)}`, 'CLI_COMMAND_TOO_LONG'],
      ['options before the service', '--region us-west-2 ec2 describe-instances', 'CLI_INVALID_COMMAND'],
      ['missing operation', 'ec2', 'CLI_INVALID_COMMAND'],
      ['uppercase service', 'EC2 describe-instances', 'CLI_INVALID_COMMAND'],
      ['option instead of operation', 'ec2 --output text describe-instances', 'CLI_INVALID_COMMAND'],
      ['unicode lookalike in service', 'еc2 describe-instances', 'CLI_INVALID_COMMAND'],
      ['unicode dash option', 'ec2 describe-instances \u2014endpoint-url http://x', 'CLI_INVALID_OPTION'],
      ['fullwidth dash option', 'ec2 describe-instances \uFF0D\uFF0Dprofile x', 'CLI_INVALID_OPTION'],
      ['uppercase option name', 'ec2 describe-instances --Endpoint-URL http://x', 'CLI_INVALID_OPTION'],
      ['zero-width char in option', 'ec2 describe-instances --pro\u200Bfile x', 'CLI_INVALID_OPTION'],
      ['single-dash option', 'ec2 describe-instances -p x', 'CLI_INVALID_OPTION'],
      ['end-of-options marker', 'ec2 describe-instances -- --x', 'CLI_INVALID_OPTION'],
      ['abbreviated global option', 'ec2 describe-instances --outp text', 'CLI_INVALID_OPTION'],
      // forbidden options, in every spelling the CLI accepts
      ['--endpoint-url', 'ec2 describe-instances --endpoint-url http://evil', 'CLI_OPTION_FORBIDDEN'],
      ['quoted --endpoint-url', "ec2 describe-instances '--endpoint-url=http://evil'", 'CLI_OPTION_FORBIDDEN'],
      ['glued --endpoint-url', 'ec2 describe-instances --endpoint-url=http://evil', 'CLI_OPTION_FORBIDDEN'],
      ['abbreviated --endpoint-url', 'ec2 describe-instances --endpoint-u http://evil', 'CLI_OPTION_FORBIDDEN'],
      ['escaped dashes', 'ec2 describe-instances \\-\\-endpoint-url x', 'CLI_OPTION_FORBIDDEN'],
      ['--profile', 'ec2 describe-instances --profile prod', 'CLI_OPTION_FORBIDDEN'],
      ['abbreviated --profile', 'ec2 describe-instances --prof prod', 'CLI_OPTION_FORBIDDEN'],
      ['--region', 'ec2 describe-instances --region us-west-2', 'CLI_OPTION_FORBIDDEN'],
      ['--ca-bundle', 'ec2 describe-instances --ca-bundle /tmp/evil.pem', 'CLI_OPTION_FORBIDDEN'],
      ['--no-verify-ssl', 'ec2 describe-instances --no-verify-ssl', 'CLI_OPTION_FORBIDDEN'],
      ['--debug', 'sts get-caller-identity --debug', 'CLI_OPTION_FORBIDDEN'],
      ['--cli-input-json inline', `ec2 describe-instances --cli-input-json '{"InstanceIds":["i-1"]}'`, 'CLI_OPTION_FORBIDDEN'],
      ['--cli-input-json file', 'ec2 describe-instances --cli-input-json file://x.json', 'CLI_OPTION_FORBIDDEN'],
      ['abbreviated --cli-input-json', 'ec2 describe-instances --cli-input {}', 'CLI_OPTION_FORBIDDEN'],
      // local files and processes
      ['file:// value', 'ec2 describe-instances --filters file:///etc/passwd', 'CLI_LOCAL_ACCESS_FORBIDDEN'],
      ['fileb:// value', 'kms describe-key --key-id fileb:///root/.ssh/id_rsa', 'CLI_LOCAL_ACCESS_FORBIDDEN'],
      ['uppercase FILE:// glued', 'ec2 describe-instances --filters=FILE:///etc/passwd', 'CLI_LOCAL_ACCESS_FORBIDDEN'],
      ['s3 cp from a local path', 's3 cp /etc/passwd s3://bucket/x', 'CLI_LOCAL_ACCESS_FORBIDDEN', operator],
      ['s3 cp to a local path after a flag', 's3 cp --recursive s3://bucket/ ./loot', 'CLI_LOCAL_ACCESS_FORBIDDEN', operator],
      ['s3 cp to stdout', 's3 cp s3://bucket/x -', 'CLI_LOCAL_ACCESS_FORBIDDEN', operator],
      ['s3api get-object writes an outfile', 's3api get-object --bucket b --key k /tmp/x', 'CLI_LOCAL_ACCESS_FORBIDDEN'],
      ['s3api put-object reads --body from disk', 's3api put-object --bucket b --key k --body /etc/shadow', 'CLI_LOCAL_ACCESS_FORBIDDEN', operator],
      ['outfile option', 'iot create-keys-and-certificate --certificate-pem-outfile /tmp/c', 'CLI_LOCAL_ACCESS_FORBIDDEN', operator],
      ['abbreviated local key option', 'ec2 get-password-data --instance-id i-1 --priv /root/key.pem', 'CLI_LOCAL_ACCESS_FORBIDDEN'],
      ['configure', 'configure list', 'CLI_LOCAL_ACCESS_FORBIDDEN', admin],
      ['eks update-kubeconfig', 'eks update-kubeconfig --name c', 'CLI_LOCAL_ACCESS_FORBIDDEN', admin],
      ['ssm start-session', 'ssm start-session --target i-1', 'CLI_LOCAL_ACCESS_FORBIDDEN', admin],
      // remote fetches (SSRF)
      ['http:// value', 'ec2 describe-instances --instance-ids http://169.254.169.254/latest/meta-data/', 'CLI_URL_FETCH_FORBIDDEN'],
      ['https:// glued value', 'iam get-policy --policy-arn=https://evil.example/x', 'CLI_URL_FETCH_FORBIDDEN'],
      ['URL with leading space', "iam get-policy --policy-arn ' HTTP://evil'", 'CLI_URL_FETCH_FORBIDDEN'],
      ['URL on an allowlisted option of another operation', 'sqs list-queues --queue-name-prefix https://x', 'CLI_URL_FETCH_FORBIDDEN'],
      // deny list: exact, wildcard, regex, credential minting
      ['deny exact', 'iam create-user --user-name eve', 'CLI_COMMAND_DENIED', admin],
      ['deny exact', 'cloudtrail stop-logging --name t', 'CLI_COMMAND_DENIED', admin],
      ['deny wildcard', 'iam delete-role --role-name r', 'CLI_COMMAND_DENIED', admin],
      ['deny regex', 'ec2 authorize-security-group-ingress --group-id sg-1 --protocol tcp --port 22 --cidr 0.0.0.0/0', 'CLI_COMMAND_DENIED', admin],
      ['deny regex, IPv6 in JSON', `ec2 authorize-security-group-ingress --group-id sg-1 --ip-permissions '[{"IpProtocol":"-1","Ipv6Ranges":[{"CidrIpv6":"::/0"}]}]'`, 'CLI_COMMAND_DENIED', admin],
      ['deny regex, JSON-escaped slash', `ec2 authorize-security-group-ingress --group-id sg-1 --ip-permissions '[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0\\/0"}]}]'`, 'CLI_COMMAND_DENIED', admin],
      ['deny regex, abbreviated flag', 'ssm get-parameter --name db --with', 'CLI_COMMAND_DENIED', admin],
      ['deny regex, public bucket policy', `s3api put-bucket-policy --bucket b --policy '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}'`, 'CLI_COMMAND_DENIED', admin],
      ['deny regex, public policy as JSON in JSON', `sqs set-queue-attributes --queue-url https://sqs.us-east-1.amazonaws.com/1/q --attributes '{"Policy":"{\\"Statement\\":[{\\"Principal\\":{\\"AWS\\":[\\"*\\"]}}]}"}'`, 'CLI_COMMAND_DENIED', admin],
      ['deny wildcard, identity provider', 'iam create-open-id-connect-provider --url https://idp.example --thumbprint-list x', 'CLI_COMMAND_DENIED', admin],
      ['credential minting read', 'sts get-session-token', 'CLI_COMMAND_DENIED', admin],
      ['credential minting wildcard', 'sts assume-role --role-arn arn:aws:iam::1:role/x --role-session-name s', 'CLI_COMMAND_DENIED', admin],
      ['deny beats viewer too', 'secretsmanager get-secret-value --secret-id db', 'CLI_COMMAND_DENIED'],
      // mutations
      ['viewer with allowMutations', 'ec2 terminate-instances --instance-ids i-1', 'CLI_MUTATION_FORBIDDEN', { role: 'viewer', allowMutations: true }],
      ['operator without allowMutations', 'ec2 terminate-instances --instance-ids i-1', 'CLI_MUTATION_FORBIDDEN', { role: 'operator', allowMutations: false }],
      ['unknown operation is a mutation', 'ec2 frobnicate', 'CLI_MUTATION_FORBIDDEN'],
      ['check- is not a read prefix', 'license-manager check-in-license --license-consumption-token t', 'CLI_MUTATION_FORBIDDEN'],
      ['test- is not a read prefix', 'stepfunctions test-state --definition {}', 'CLI_MUTATION_FORBIDDEN'],
      ['s3 sync is a mutation', 's3 sync s3://a s3://b', 'CLI_MUTATION_FORBIDDEN'],
    ];
    it.each(cases)('%s: %s', (_name, line, code, ctx = viewer) => {
      const decision = policy.check(line, ctx);
      expect(decision).toMatchObject({ allowed: false, code, status: CLI_POLICY_CODES[code] });
      expect(decision.allowed === false && decision.message.length).toBeGreaterThan(10);
    });
  });

  it('says which of role or allowMutations is missing', () => {
    expect(policy.check('ec2 stop-instances --instance-ids i-1', { role: 'viewer', allowMutations: true })).toMatchObject({ message: expect.stringContaining('viewer role') });
    expect(policy.check('ec2 stop-instances --instance-ids i-1', { role: 'operator', allowMutations: false })).toMatchObject({ message: expect.stringContaining('allowMutations is false') });
  });

  it('lets operators with allowMutations run mutations and s3 copies between buckets', () => {
    expect(policy.check('ec2 stop-instances --instance-ids i-1', operator)).toMatchObject({ allowed: true, mutating: true, operation: 'stop-instances' });
    expect(policy.check('s3 cp s3://a/k s3://b/k --acl private --exclude "*.tmp" --recursive', operator)).toMatchObject({ allowed: true, mutating: true });
    const scoped = `s3api put-bucket-policy --bucket b --policy '{"Statement":[{"Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:GetObject"}]}'`;
    expect(policy.check(scoped, operator)).toMatchObject({ allowed: true, mutating: true });
  });

  it('is also usable statically with the built-in rules', () => {
    expect(CommandPolicy.check('aws ec2 describe-instances', viewer)).toMatchObject({ allowed: true, argv: ['ec2', 'describe-instances'] });
    expect(CommandPolicy.check('iam create-user --user-name x', admin)).toMatchObject({ allowed: false, code: 'CLI_COMMAND_DENIED' });
  });

  it('explains --region in its message', () => {
    expect(policy.check('ec2 describe-instances --region eu-west-1', viewer)).toMatchObject({ message: expect.stringContaining('region is set by the executor') });
  });

  describe('deny-list configuration', () => {
    it('extends the defaults with exact, wildcard and regex rules, each with its own message', () => {
      const custom = new CommandPolicy({
        denyList: {
          deny: [
            { match: 'ec2 stop-instances', message: 'no stopping on Fridays' },
            { wildcard: 'lambda:delete-*' },
            { regex: '^ec2 describe-instances .*prod' },
          ],
        },
      });
      expect(custom.check('ec2 stop-instances --instance-ids i-1', operator)).toMatchObject({ code: 'CLI_COMMAND_DENIED', message: 'no stopping on Fridays' });
      expect(custom.check('lambda delete-function --function-name f', operator)).toMatchObject({ code: 'CLI_COMMAND_DENIED', message: 'lambda:delete-* is on the deny list' });
      expect(custom.check('ec2 describe-instances --filters Name=tag:env,Values=prod', viewer)).toMatchObject({ code: 'CLI_COMMAND_DENIED' });
      expect(custom.check('iam create-user --user-name x', admin)).toMatchObject({ code: 'CLI_COMMAND_DENIED' });
    });

    it('replaces the defaults in replace mode but never the server protections', () => {
      const custom = new CommandPolicy({ denyList: { mode: 'replace', deny: [{ match: 'ec2 run-instances' }] } });
      expect(custom.check('iam create-user --user-name x', admin)).toMatchObject({ allowed: true });
      expect(custom.check('ec2 run-instances --image-id ami-1', admin)).toMatchObject({ code: 'CLI_COMMAND_DENIED' });
      expect(custom.check('configure list', admin)).toMatchObject({ code: 'CLI_LOCAL_ACCESS_FORBIDDEN' });
      expect(custom.check('ec2 describe-instances --endpoint-url http://x', admin)).toMatchObject({ code: 'CLI_OPTION_FORBIDDEN' });
    });

    it.each<[unknown, RegExp]>([
      [{ deny: [{ match: 'iam create-user' }, { regex: '(' }] }, /deny\[1\].*regex does not compile/],
      [{ deny: [{ match: 'iam' }] }, /deny\[0\].*"service operation"/],
      [{ deny: [{ match: 'iam create-*' }] }, /deny\[0\].*match must be/],
      [{ deny: [{ wildcard: 'iam create-user', regex: 'x' }] }, /deny\[0\].*exactly one/],
      [{ deny: [{ match: 'iam create-user', mesage: 'typo' }] }, /deny\[0\].*unknown key\(s\) mesage/],
      [{ deny: [{ match: 'iam create-user', message: 3 }] }, /deny\[0\].*message must be/],
      [{ deny: ['iam create-user'] }, /deny\[0\].*must be an object/],
      [{ deny: {} }, /deny must be a list/],
      [{ deny: [], mode: 'merge' }, /mode must be "extend" or "replace"/],
    ])('rejects %j', (config, error) => {
      expect(() => new CommandPolicy({ denyList: config })).toThrow(DenyRuleConfigError);
      expect(() => new CommandPolicy({ denyList: config })).toThrow(error);
    });
  });
});
