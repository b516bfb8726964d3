import { BootstraplessSynthesizer, CfnCondition, CfnOutput, CfnParameter, CfnResource, Duration, Fn, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DEFAULT_MEMBER_ROLE_NAMES } from '../settings';
import { DENIED_READS, INVENTORY_ACTIONS, OPERATOR_ACTIONS, readCommandActions } from './read-only-actions';

/**
 * The roles a member account gives the hub. Everything is a CloudFormation parameter, so the synthesised template
 * also deploys as is: with `cdk deploy`, `aws cloudformation deploy`, or as the body of the StackSet. No assets
 * and no bootstrap version rule, so the account needs no CDK bootstrap.
 */
export class MemberRoleStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { synthesizer: new BootstraplessSynthesizer(), description: 'AWS MCP Server: the roles the hub assumes in this account', ...props });

    const hubRoleArn = new CfnParameter(this, 'HubRoleArn', {
      type: 'String',
      description: 'The hub\'s fleet-service task role (the hub stack\'s HubRoleArn output), the only principal these roles trust',
      // A role ARN, not an account root or a wildcard: trusting the account would let any of its roles in.
      allowedPattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}$',
      constraintDescription: 'must be an IAM role ARN (arn:aws:iam::123456789012:role/name)',
    });
    const externalId = new CfnParameter(this, 'ExternalId', {
      type: 'String',
      noEcho: true,
      description: 'The external id the hub sends (the account\'s external_id in the hub); sts:ExternalId must equal it',
      minLength: 2,
      maxLength: 1224,
      allowedPattern: '^[\\w+=,.@:/-]+$',
      constraintDescription: '2-1224 characters of letters, digits and +=,.@:/-_',
    });
    const readOnlyName = new CfnParameter(this, 'ReadOnlyRoleName', { type: 'String', default: DEFAULT_MEMBER_ROLE_NAMES.readOnly, allowedPattern: '^[\\w+=,.@-]{1,64}$' });
    const createOperator = new CfnParameter(this, 'CreateOperatorRole', { type: 'String', default: 'false', allowedValues: ['true', 'false'], description: 'Also create the operator role, for permitted mutations' });
    const operatorName = new CfnParameter(this, 'OperatorRoleName', { type: 'String', default: DEFAULT_MEMBER_ROLE_NAMES.operator, allowedPattern: '^[\\w+=,.@-]{1,64}$' });
    const withOperator = new CfnCondition(this, 'WithOperator', { expression: Fn.conditionEquals(createOperator.valueAsString, 'true') });

    const hub = () => new iam.ArnPrincipal(hubRoleArn.valueAsString).withConditions({ StringEquals: { 'sts:ExternalId': externalId.valueAsString } });

    const inventory = new iam.ManagedPolicy(this, 'InventoryPolicy', {
      description: 'AWS MCP Server: the calls of an inventory sync',
      statements: [new iam.PolicyStatement({ sid: 'Inventory', actions: [...INVENTORY_ACTIONS], resources: ['*'] })],
    });
    const readCommands = new iam.ManagedPolicy(this, 'ReadCommandsPolicy', {
      description: 'AWS MCP Server: configuration reads for fleet commands; data reads denied',
      statements: [
        new iam.PolicyStatement({ sid: 'ReadConfiguration', actions: readCommandActions(), resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'NoDataReads', effect: iam.Effect.DENY, actions: [...DENIED_READS], resources: ['*'] }),
      ],
    });

    const readOnly = new iam.Role(this, 'ReadOnlyRole', {
      roleName: readOnlyName.valueAsString,
      description: 'AWS MCP Server hub: inventory and read commands',
      assumedBy: hub(),
      managedPolicies: [inventory, readCommands],
      maxSessionDuration: Duration.hours(1),
    });
    new CfnOutput(this, 'ReadOnlyRoleArn', { value: readOnly.roleArn, description: 'role_arn of this account in the hub' });

    const operatorPolicy = new iam.ManagedPolicy(this, 'OperatorPolicy', {
      description: 'AWS MCP Server: the mutations an operator may run through the hub',
      statements: [new iam.PolicyStatement({ sid: 'OperatorActions', actions: [...OPERATOR_ACTIONS], resources: ['*'] })],
    });
    const operator = new iam.Role(this, 'OperatorRole', {
      roleName: operatorName.valueAsString,
      description: 'AWS MCP Server hub: read-only plus the permitted mutations',
      assumedBy: hub(),
      managedPolicies: [inventory, readCommands, operatorPolicy],
      maxSessionDuration: Duration.hours(1),
    });
    for (const r of [operatorPolicy, operator]) (r.node.defaultChild as CfnResource).cfnOptions.condition = withOperator;
    new CfnOutput(this, 'OperatorRoleArn', { value: operator.roleArn, description: 'role_arn for accounts where operators may mutate', condition: withOperator });
  }
}
