'use strict';
// The migration step of a hub deployment, as the two handlers of a CDK custom resource provider (onEvent starts
// the one-off ECS task, isComplete polls it). Inlined into the Lambda functions at synthesis, so it must stay plain
// JavaScript under 4 KiB and use only what the Lambda runtime ships (@aws-sdk/client-ecs).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS: the Lambda runtime loads index.js as is
const { ECSClient, RunTaskCommand, DescribeTasksCommand } = require('@aws-sdk/client-ecs');

let client;
const ecs = () => (client ??= new ECSClient({}));

exports.onEvent = async (event) => {
  // Deleting the stack, or replacing this resource, must not run migrations (nor undo them).
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const p = event.ResourceProperties;
  const out = await ecs().send(
    new RunTaskCommand({
      cluster: p.Cluster,
      taskDefinition: p.TaskDefinition,
      launchType: 'FARGATE',
      count: 1,
      startedBy: 'cfn-migrations',
      networkConfiguration: { awsvpcConfiguration: { subnets: p.Subnets, securityGroups: p.SecurityGroups, assignPublicIp: 'DISABLED' } },
    }),
  );
  const task = out.tasks && out.tasks[0];
  if (!task) throw new Error(`RunTask started no migration task: ${JSON.stringify(out.failures || [])}`);
  console.log(`migration task ${task.taskArn} started (${p.TaskDefinition})`);
  return { PhysicalResourceId: event.PhysicalResourceId || 'migrations', Data: { TaskArn: task.taskArn } };
};

exports.isComplete = async (event) => {
  if (event.RequestType === 'Delete') return { IsComplete: true };
  const arn = event.Data && event.Data.TaskArn;
  if (!arn) throw new Error('no migration task to wait for');
  const out = await ecs().send(new DescribeTasksCommand({ cluster: event.ResourceProperties.Cluster, tasks: [arn] }));
  const task = out.tasks && out.tasks[0];
  if (!task) throw new Error(`migration task ${arn} not found: ${JSON.stringify(out.failures || [])}`);
  if (task.lastStatus !== 'STOPPED') return { IsComplete: false };
  // Every container must have run and exited 0: the prepare step, each app's --migrate-only, the final marker.
  const failed = (task.containers || []).filter((c) => c.exitCode !== 0);
  if (failed.length || !(task.containers || []).length) {
    const what = failed.map((c) => `${c.name} ${c.exitCode === undefined || c.exitCode === null ? 'did not run' : `exited ${c.exitCode}`}${c.reason ? ` (${c.reason})` : ''}`);
    throw new Error(`migrations failed, services not rolled: ${what.join(', ') || 'no containers'}; task ${arn} stopped: ${task.stoppedReason || 'unknown'}; see log group ${event.ResourceProperties.LogGroup}`);
  }
  console.log(`migration task ${arn} completed`);
  return { IsComplete: true };
};
