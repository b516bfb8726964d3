import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/** The handlers' source, inlined (no asset, no bundler): see migration-handler.cjs. */
export const MIGRATION_HANDLER_SOURCE = readFileSync(join(__dirname, 'migration-handler.cjs'), 'utf8');

export interface MigrationRunProps {
  cluster: ecs.ICluster;
  taskDefinition: ecs.FargateTaskDefinition;
  subnets: ec2.SubnetSelection;
  vpc: ec2.IVpc;
  securityGroup: ec2.ISecurityGroup;
  logGroup: logs.ILogGroup;
  logRetention: logs.RetentionDays;
}

/**
 * Runs the migration task once per change of its task definition (a new image or setting is a new revision, so a
 * new ARN, so an Update of this resource) and fails the deployment unless every container exited 0. Services that
 * depend on it roll only afterwards. A custom resource provider with an isComplete poll rather than a Trigger:
 * the poll is not bound by one Lambda invocation's 15 minutes, and nothing is billed while the task runs.
 */
export class MigrationRun extends Construct {
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: MigrationRunProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const code = lambda.Code.fromInline(MIGRATION_HANDLER_SOURCE);
    const fn = (name: string, handler: string) =>
      new lambda.Function(this, name, {
        runtime: lambda.Runtime.NODEJS_22_X,
        code,
        handler: `index.${handler}`,
        timeout: Duration.minutes(1),
        memorySize: 256,
        logGroup: new logs.LogGroup(this, `${name}Logs`, { retention: props.logRetention }),
      });
    const onEvent = fn('StartTask', 'onEvent');
    const isComplete = fn('CheckTask', 'isComplete');

    const family = props.taskDefinition.family;
    onEvent.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ecs:RunTask'],
        resources: [stack.formatArn({ service: 'ecs', resource: 'task-definition', resourceName: `${family}:*` })],
        conditions: { ArnEquals: { 'ecs:cluster': props.cluster.clusterArn } },
      }),
    );
    const passRoles = [props.taskDefinition.taskRole.roleArn, props.taskDefinition.obtainExecutionRole().roleArn];
    onEvent.addToRolePolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: passRoles, conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } }));
    isComplete.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ecs:DescribeTasks'],
        resources: [stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${props.cluster.clusterName}/*` })],
      }),
    );

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: onEvent,
      isCompleteHandler: isComplete,
      queryInterval: Duration.seconds(15),
      totalTimeout: Duration.hours(1),
      logGroup: new logs.LogGroup(this, 'ProviderLogs', { retention: props.logRetention }),
    });
    this.resource = new CustomResource(this, 'Run', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::AwsMcpMigrations',
      properties: {
        Cluster: props.cluster.clusterArn,
        TaskDefinition: props.taskDefinition.taskDefinitionArn,
        Subnets: props.vpc.selectSubnets(props.subnets).subnetIds,
        SecurityGroups: [props.securityGroup.securityGroupId],
        LogGroup: props.logGroup.logGroupName,
      },
    });
  }
}
