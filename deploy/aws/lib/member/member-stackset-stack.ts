import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aws, BootstraplessSynthesizer, CfnParameter, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import { Construct } from 'constructs';
import { DEFAULT_MEMBER_ROLE_NAMES } from '../settings';
import { MemberRoleStack } from './member-role-stack';

/** The member-role template as CloudFormation JSON, synthesised on its own (it becomes the StackSet's body). */
function memberRoleTemplate(): Record<string, unknown> {
  const outdir = mkdtempSync(join(tmpdir(), 'aws-mcp-member-'));
  try {
    const app = new App({ outdir });
    const stack = new MemberRoleStack(app, 'MemberRoles');
    return app.synth().getStackArtifact(stack.artifactId).template as Record<string, unknown>;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * For an AWS Organization: a service-managed StackSet in the management (or a delegated administrator) account
 * that puts the member-role stack into every account of the given OUs, and into accounts that join them later.
 * IAM is global, so one region gets the instances. Service-managed StackSets skip the management account itself:
 * deploy MemberRoleStack there directly if the hub should read it.
 */
export class MemberStackSetStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { synthesizer: new BootstraplessSynthesizer(), description: 'AWS MCP Server: the hub roles in every account of the given OUs', ...props });
    const template = memberRoleTemplate();
    const param = (name: string, p: ConstructorParameters<typeof CfnParameter>[2]) => new CfnParameter(this, name, p);
    const memberParams = (template.Parameters ?? {}) as Record<
      string,
      { Type: string; Default?: string; NoEcho?: boolean; AllowedPattern?: string; AllowedValues?: string[]; ConstraintDescription?: string; Description?: string; MinLength?: number; MaxLength?: number }
    >;
    // The same parameters as the member template, with the same constraints, passed through.
    const passed = Object.entries(memberParams).map(([name, p]) => {
      const mine = param(name, {
        type: p.Type,
        default: p.Default,
        noEcho: p.NoEcho,
        allowedPattern: p.AllowedPattern,
        allowedValues: p.AllowedValues,
        constraintDescription: p.ConstraintDescription,
        description: p.Description,
        minLength: p.MinLength,
        maxLength: p.MaxLength,
      });
      return { parameterKey: name, parameterValue: mine.valueAsString };
    });
    const ous = param('OrganizationalUnitIds', { type: 'CommaDelimitedList', description: 'The OUs (ou-xxxx-xxxxxxxx) or the root (r-xxxx) whose accounts get the roles' });
    const callAs = param('CallAs', { type: 'String', default: 'SELF', allowedValues: ['SELF', 'DELEGATED_ADMIN'], description: 'SELF in the management account, DELEGATED_ADMIN in a delegated administrator account' });

    new cloudformation.CfnStackSet(this, 'MemberRoles', {
      stackSetName: 'aws-mcp-member-roles',
      description: `AWS MCP Server hub roles (${DEFAULT_MEMBER_ROLE_NAMES.readOnly}, optionally ${DEFAULT_MEMBER_ROLE_NAMES.operator})`,
      permissionModel: 'SERVICE_MANAGED',
      callAs: callAs.valueAsString,
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      operationPreferences: { failureTolerancePercentage: 10, maxConcurrentPercentage: 25, regionConcurrencyType: 'PARALLEL' },
      parameters: passed,
      stackInstancesGroup: [{ deploymentTargets: { organizationalUnitIds: ous.valueAsList }, regions: [Aws.REGION] }],
      templateBody: JSON.stringify(template),
    });
  }
}
