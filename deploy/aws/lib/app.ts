import { App } from 'aws-cdk-lib';
import { HubStack } from './hub/hub-stack';
import { MemberRoleStack } from './member/member-role-stack';
import { MemberStackSetStack } from './member/member-stackset-stack';
import { hubSettings } from './settings';

/** Stack names, as `cdk deploy <name>` takes them. */
export const STACKS = { hub: 'AwsMcpHub', member: 'AwsMcpMemberRoles', stackSet: 'AwsMcpMemberStackSet' } as const;

export interface AwsMcpStacks {
  hub: HubStack;
  member: MemberRoleStack;
  stackSet: MemberStackSetStack;
}

/** All three stacks in one app; the hub's shape comes from the context (lib/settings.ts). */
export function buildApp(app: App): AwsMcpStacks {
  const settings = hubSettings((key) => app.node.tryGetContext(key) as unknown);
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  return {
    hub: new HubStack(app, STACKS.hub, { settings, env, description: 'AWS MCP Server hub: ECS on Fargate, RDS PostgreSQL, NATS JetStream' }),
    member: new MemberRoleStack(app, STACKS.member),
    stackSet: new MemberStackSetStack(app, STACKS.stackSet),
  };
}
