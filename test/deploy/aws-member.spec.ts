/**
 * deploy/aws, the member-account roles and their StackSet: who may assume them (the hub's role, with the external
 * id), what they may do (reads only; exactly what fleet-service calls is covered), and the StackSet's body.
 */
process.env.CDK_VALIDATION = 'false';

import { join } from 'node:path';
import { READ_OPERATION_PREFIXES } from '@app/cli-executor';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MemberRoleStack } from '../../deploy/aws/lib/member/member-role-stack';
import { MemberStackSetStack } from '../../deploy/aws/lib/member/member-stackset-stack';
import { INVENTORY_ACTIONS, OPERATOR_ACTIONS } from '../../deploy/aws/lib/member/read-only-actions';
import { REPO_ROOT } from './deploy-validation';
import { actionMatches, awsCallsIn, baseName, CfnTemplate, clone, readVerbsFromCliPrefixes, refOf, resourcesOfType, sourcesUnder, statementsOf, trustProblems, uncoveredActions, writeActionProblems } from './aws-validation';

let member: CfnTemplate;
let stackSet: CfnTemplate;

beforeAll(() => {
  const app = new App();
  const stacks = { member: new MemberRoleStack(app, 'Member'), stackSet: new MemberStackSetStack(app, 'StackSet') };
  member = Template.fromStack(stacks.member).toJSON() as CfnTemplate;
  stackSet = Template.fromStack(stacks.stackSet).toJSON() as CfnTemplate;
});

const policy = (t: CfnTemplate, name: string) => resourcesOfType(t, 'AWS::IAM::ManagedPolicy').find(([id]) => baseName(id) === name)![1].PolicyDocument;
const role = (t: CfnTemplate, name: string) => resourcesOfType(t, 'AWS::IAM::Role').find(([id]) => baseName(id) === name)![1];
const READ_VERBS = readVerbsFromCliPrefixes(READ_OPERATION_PREFIXES);
const HUB = { principalRef: 'HubRoleArn', externalIdRef: 'ExternalId' };

describe('member roles: trust', () => {
  it('lets only the hub role assume them, and only with the external id', () => {
    for (const name of ['ReadOnlyRole', 'OperatorRole']) expect([name, trustProblems(role(member, name).AssumeRolePolicyDocument, HUB)]).toEqual([name, []]);
    expect(member.Parameters!.ExternalId).toMatchObject({ NoEcho: true, MinLength: 2 });
    // A role ARN only: an account root or * would let any principal of that account (or anyone) in.
    const hubRole = new RegExp(member.Parameters!.HubRoleArn.AllowedPattern);
    expect('arn:aws:iam::123456789012:role/aws-mcp-fleet-service').toMatch(hubRole);
    for (const bad of ['arn:aws:iam::123456789012:root', '*', '123456789012', 'arn:aws:iam::123456789012:user/x', 'arn:aws:iam::*:role/x']) expect(bad).not.toMatch(hubRole);
  });

  it('finds a trust policy without the external id, with the account root, a wildcard or a service as well', () => {
    const good = role(member, 'ReadOnlyRole').AssumeRolePolicyDocument;
    const mutate = (f: (s: any) => void) => {
      const doc = clone(good);
      f(doc.Statement[0]);
      return trustProblems(doc, HUB);
    };
    expect(mutate((s) => delete s.Condition)).toEqual(['no StringEquals sts:ExternalId = Ref ExternalId']);
    expect(mutate((s) => (s.Condition = { StringLike: { 'sts:ExternalId': '*' } }))).toEqual(['no StringEquals sts:ExternalId = Ref ExternalId']);
    expect(mutate((s) => (s.Principal.AWS = '*'))).toEqual([expect.stringContaining('only the hub role')]);
    expect(mutate((s) => (s.Principal.AWS = [s.Principal.AWS, 'arn:aws:iam::123456789012:root']))).toEqual([expect.stringContaining('only the hub role')]);
    expect(mutate((s) => (s.Principal.Service = 'lambda.amazonaws.com'))).toEqual([expect.stringContaining('only AWS')]);
    expect(mutate((s) => (s.Action = ['sts:AssumeRole', 'sts:TagSession']))).toEqual([expect.stringContaining('only sts:AssumeRole')]);
    const two = clone(good);
    two.Statement.push({ ...two.Statement[0], Principal: { AWS: { Ref: 'Other' } } });
    expect(trustProblems(two, HUB)).toEqual([expect.stringContaining('only the hub role'), '2 statements: exactly one Allow']);
  });
});

describe('member roles: the read-only policies', () => {
  it('take their read verbs from the CLI policy\'s read prefixes', () => {
    expect(READ_VERBS).toEqual(expect.arrayContaining(['Describe', 'List', 'Get', 'BatchGet', 'Search', 'Lookup']));
  });

  it('grant no write action and no service-wide wildcard', () => {
    for (const name of ['InventoryPolicy', 'ReadCommandsPolicy']) expect([name, writeActionProblems(policy(member, name), READ_VERBS)]).toEqual([name, []]);
    const roleArns = role(member, 'ReadOnlyRole').ManagedPolicyArns.map(refOf).map(baseName).sort();
    expect(roleArns).toEqual(['InventoryPolicy', 'ReadCommandsPolicy']);
  });

  it('finds a write action, a service wildcard, * and NotAction', () => {
    const doc = clone(policy(member, 'ReadCommandsPolicy'));
    const allow = statementsOf(doc).find((s) => s.Effect === 'Allow');
    allow.Action.push('ec2:RunInstances', 's3:*', '*', 'iam:*User', 'ec2:Describe*', 'Describe*');
    doc.Statement.push({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' });
    expect(writeActionProblems(doc, READ_VERBS)).toEqual([
      expect.stringMatching(/^ec2:RunInstances: not a read/),
      's3:*: a wildcard on a whole service',
      '*: a wildcard on a whole service',
      expect.stringMatching(/^iam:\*User: not a read/),
      expect.stringMatching(/^Describe\*: not a read/),
      'statement ? uses NotAction',
    ]);
  });

  it('cover every AWS call of fleet-service\'s inventory (collectors, region discovery, access check)', () => {
    const inventory = join(REPO_ROOT, 'apps', 'fleet-service', 'src', 'inventory');
    const files = [...sourcesUnder(join(inventory, 'collectors')), join(inventory, 'regions.ts'), join(inventory, 'credentials', 'account-credentials.ts')];
    const calls = awsCallsIn(files);
    // The collectors are found, not assumed: fifteen resource types, at least one call each.
    expect(calls.size).toBeGreaterThanOrEqual(INVENTORY_ACTIONS.length - 1);
    expect(uncoveredActions([...calls.keys()], [policy(member, 'InventoryPolicy')])).toEqual([]);
    // Nothing in the inventory policy that fleet-service does not call (sts:GetCallerIdentity needs no grant; it documents the check).
    expect(INVENTORY_ACTIONS.filter((a) => !calls.has(a))).toEqual([]);
  });

  it('finds a call the inventory policy lacks', () => {
    const doc = clone(policy(member, 'InventoryPolicy'));
    doc.Statement[0].Action = doc.Statement[0].Action.filter((a: string) => a !== 'dynamodb:ListTagsOfResource');
    expect(uncoveredActions(['dynamodb:ListTagsOfResource', 'ec2:DescribeVpcs'], [doc])).toEqual(['dynamodb:ListTagsOfResource']);
    expect(actionMatches('ec2:Describe*', 'ec2:DescribeInstances')).toBe(true);
    expect(actionMatches('ec2:Describe*', 'ec2:RunInstances')).toBe(false);
  });

  it('deny data and credential reads that a Get* would otherwise allow', () => {
    const doc = policy(member, 'ReadCommandsPolicy');
    const deny = statementsOf(doc).find((s) => s.Effect === 'Deny');
    for (const a of ['s3:GetObject', 'secretsmanager:GetSecretValue', 'ssm:GetParameters', 'dynamodb:GetItem', 'ecr:GetAuthorizationToken', 'lambda:GetFunction']) {
      expect([a, [].concat(deny.Action).some((p: string) => actionMatches(p, a))]).toEqual([a, true]);
    }
  });

  it('stay under the 6,144-character limit of a managed policy', () => {
    for (const name of ['InventoryPolicy', 'ReadCommandsPolicy', 'OperatorPolicy']) expect(JSON.stringify(policy(member, name)).replace(/\s/g, '').length).toBeLessThan(6144);
  });
});

describe('member roles: the operator role', () => {
  it('exists only when asked for, reads like the read-only role and adds only the listed, non-IAM mutations', () => {
    expect(member.Resources[Object.keys(member.Resources).find((id) => baseName(id) === 'OperatorRole')!].Condition).toBe('WithOperator');
    const arns = role(member, 'OperatorRole').ManagedPolicyArns.map(refOf).map(baseName).sort();
    expect(arns).toEqual(['InventoryPolicy', 'OperatorPolicy', 'ReadCommandsPolicy']);
    const actions = statementsOf(policy(member, 'OperatorPolicy')).flatMap((s) => [].concat(s.Action));
    expect(actions).toEqual([...OPERATOR_ACTIONS]);
    expect(actions.filter((a: string) => /^(iam|sts|organizations|kms|secretsmanager|cloudtrail):/.test(a) || a.includes('*'))).toEqual([]);
  });
});

describe('member roles: deployable anywhere', () => {
  it('needs no CDK bootstrap: no assets, no bootstrap version parameter or rule', () => {
    for (const t of [member, stackSet]) {
      expect(Object.keys(t.Parameters ?? {})).not.toContain('BootstrapVersion');
      expect((t as any).Rules).toBeUndefined();
    }
  });
});

describe('member roles: the StackSet', () => {
  const set = () => resourcesOfType(stackSet, 'AWS::CloudFormation::StackSet')[0][1];

  it('is service-managed, follows the organization (auto-deployment) and deploys to one region (IAM is global)', () => {
    expect(set()).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      CallAs: { Ref: 'CallAs' },
    });
    expect(set().StackInstancesGroup).toEqual([{ DeploymentTargets: { OrganizationalUnitIds: { Ref: 'OrganizationalUnitIds' } }, Regions: [{ Ref: 'AWS::Region' }] }]);
  });

  it('carries the member template as its body and passes every parameter through, constraints included', () => {
    const body = JSON.parse(set().TemplateBody);
    expect(body.Resources).toEqual(member.Resources);
    expect(body.Parameters).toEqual(member.Parameters);
    expect(set().TemplateBody.length).toBeLessThan(51_200);
    for (const [name, p] of Object.entries(member.Parameters!)) {
      expect(set().Parameters).toContainEqual({ ParameterKey: name, ParameterValue: { Ref: name } });
      expect(stackSet.Parameters![name]).toEqual(p);
    }
    // The trust checks hold for the body the StackSet deploys, too.
    const [, readOnly] = resourcesOfType(body, 'AWS::IAM::Role').find(([id]) => baseName(id) === 'ReadOnlyRole')!;
    expect(trustProblems(readOnly.AssumeRolePolicyDocument, HUB)).toEqual([]);
  });
});
