/**
 * The two steps a hub deployment runs before the services roll, run here for real:
 * - the migration custom resource's handlers (deploy/aws/lib/hub/migration-handler.cjs) with the real AWS SDK
 *   against an HTTP endpoint speaking ECS's JSON protocol (moto's Fargate RunTask fails on its own ENI model);
 * - the prepare container's script (PREPARE_SCRIPT) under node, fetching from a local HTTP server.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MIGRATION_HANDLER_SOURCE } from '../../deploy/aws/lib/hub/migrations';
import { PREPARE_SCRIPT } from '../../deploy/aws/lib/hub/app-task';

interface Recorded {
  target: string;
  body: any;
}

/** Answers ECS JSON-protocol calls with what `answer` returns for the operation; records every call. */
async function fakeEcs(answer: (operation: string, body: any) => { status?: number; body: unknown }) {
  const calls: Recorded[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      calls.push({ target, body });
      const out = answer(target.split('.').pop()!, body);
      res.writeHead(out.status ?? 200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(out.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, close: () => new Promise((r) => server.close(r)) };
}

describe('migration custom resource handlers', () => {
  const TASK = 'arn:aws:ecs:us-east-1:123456789012:task/aws-mcp/0123456789abcdef';
  let ecs: Awaited<ReturnType<typeof fakeEcs>>;
  let handler: { onEvent(e: any): Promise<any>; isComplete(e: any): Promise<any> };
  let tasksAnswer: () => unknown;
  const AWS_ENV = { AWS_ENDPOINT_URL: '', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
  const savedEnv: Record<string, string | undefined> = {};

  beforeAll(async () => {
    ecs = await fakeEcs((op) => (op === 'RunTask' ? { body: { tasks: [{ taskArn: TASK, lastStatus: 'PROVISIONING' }], failures: [] } } : { body: tasksAnswer() }));
    for (const k of Object.keys(AWS_ENV)) savedEnv[k] = process.env[k];
    Object.assign(process.env, { ...AWS_ENV, AWS_ENDPOINT_URL: ecs.url });
    // The very source CloudFormation gets inline, loaded as the Lambda runtime would load index.js.
    const module = { exports: {} as any };
    new Function('module', 'exports', 'require', MIGRATION_HANDLER_SOURCE)(module, module.exports, require);
    handler = module.exports;
  });
  afterAll(async () => {
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await ecs.close();
  });

  const props = { Cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/aws-mcp', TaskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/aws-mcp-migrations:7', Subnets: ['subnet-1', 'subnet-2'], SecurityGroups: ['sg-1'], LogGroup: '/aws-mcp/migrations' };
  const event = (RequestType: string, extra: object = {}) => ({ RequestType, ResourceProperties: props, ...extra });
  const stopped = (containers: object[], stoppedReason = 'Essential container in task exited') => ({ tasks: [{ taskArn: TASK, lastStatus: 'STOPPED', stoppedReason, containers }], failures: [] });

  it('fits CloudFormation\'s inline code limit', () => {
    expect(MIGRATION_HANDLER_SOURCE.length).toBeLessThan(4096);
  });

  it('starts the migration task on Fargate in the private subnets, without a public address', async () => {
    const out = await handler.onEvent(event('Create'));
    expect(out).toEqual({ PhysicalResourceId: 'migrations', Data: { TaskArn: TASK } });
    const run = ecs.calls.find((c) => c.target.endsWith('.RunTask'))!;
    expect(run.body).toMatchObject({
      cluster: props.Cluster,
      taskDefinition: props.TaskDefinition,
      launchType: 'FARGATE',
      count: 1,
      networkConfiguration: { awsvpcConfiguration: { subnets: props.Subnets, securityGroups: props.SecurityGroups, assignPublicIp: 'DISABLED' } },
    });
  });

  it('runs nothing when the resource is deleted', async () => {
    const before = ecs.calls.length;
    expect(await handler.onEvent(event('Delete', { PhysicalResourceId: 'migrations' }))).toEqual({ PhysicalResourceId: 'migrations' });
    expect(await handler.isComplete(event('Delete', { PhysicalResourceId: 'migrations' }))).toEqual({ IsComplete: true });
    expect(ecs.calls.length).toBe(before);
  });

  it('waits while the task runs, and completes when every container exited 0', async () => {
    const poll = event('Update', { PhysicalResourceId: 'migrations', Data: { TaskArn: TASK } });
    tasksAnswer = () => ({ tasks: [{ taskArn: TASK, lastStatus: 'RUNNING', containers: [] }], failures: [] });
    expect(await handler.isComplete(poll)).toEqual({ IsComplete: false });
    tasksAnswer = () => stopped(['prepare', 'migrate-gateway', 'migrate-fleet-service', 'done'].map((name) => ({ name, exitCode: 0 })));
    expect(await handler.isComplete(poll)).toEqual({ IsComplete: true });
    expect(ecs.calls.filter((c) => c.target.endsWith('.DescribeTasks')).at(-1)!.body).toEqual({ cluster: props.Cluster, tasks: [TASK] });
  });

  it('fails the deployment, naming the containers, when a migration failed or never ran', async () => {
    const poll = event('Update', { PhysicalResourceId: 'migrations', Data: { TaskArn: TASK } });
    tasksAnswer = () => stopped([{ name: 'prepare', exitCode: 0 }, { name: 'migrate-fleet-service', exitCode: 1 }, { name: 'migrate-gateway', reason: 'CannotPullContainerError' }, { name: 'done', exitCode: 0 }]);
    await expect(handler.isComplete(poll)).rejects.toThrow(
      `migrations failed, services not rolled: migrate-fleet-service exited 1, migrate-gateway did not run (CannotPullContainerError); task ${TASK} stopped: Essential container in task exited; see log group /aws-mcp/migrations`,
    );
    tasksAnswer = () => ({ tasks: [], failures: [{ arn: TASK, reason: 'MISSING' }] });
    await expect(handler.isComplete(poll)).rejects.toThrow(/not found: .*MISSING/);
  });
});

describe('prepare container script', () => {
  const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n';
  let server: Server;
  let base: string;
  const bodies: Record<string, [number, string]> = {
    '/bundle.pem': [200, PEM + PEM],
    '/html': [200, '<html>captive portal</html>'],
    '/key.pem': [200, PEM + '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n'],
    '/gone': [404, 'no'],
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const [status, body] = bodies[req.url ?? ''] ?? [500, ''];
      res.writeHead(status).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  const dirs: string[] = [];
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const run = async (path: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'aws-mcp-prepare-'));
    dirs.push(dir);
    for (const d of ['tmp', 'data', 'ca']) mkdirSync(join(dir, d), { mode: 0o755 });
    const env = { PATH: process.env.PATH, PREPARE_TMP: join(dir, 'tmp'), PREPARE_DATA: join(dir, 'data'), PREPARE_CA_DIR: join(dir, 'ca'), PREPARE_UID: String(process.getuid!()), PREPARE_CA_URL: base + path };
    const result = await promisify(execFile)(process.execPath, ['-e', PREPARE_SCRIPT], { env }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
    return { ...result, dir };
  };

  it('opens /tmp to everyone (sticky), gives the data volume to the app user and writes the CA bundle', async () => {
    const { code, stdout, dir } = await run('/bundle.pem');
    expect([code, stdout.trim()]).toEqual([0, 'prepare: volumes ready, 2 CA certificates']);
    expect(statSync(join(dir, 'tmp')).mode & 0o7777).toBe(0o1777);
    expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'data')).uid).toBe(process.getuid!());
    expect(readFileSync(join(dir, 'ca', 'rds-ca.pem'), 'utf8')).toBe(PEM + PEM);
  });

  it('fails the task, and writes nothing, unless it got a PEM certificate bundle', async () => {
    for (const [path, message] of [
      ['/html', 'not a PEM certificate bundle'],
      ['/key.pem', 'not a PEM certificate bundle'],
      ['/gone', 'HTTP 404'],
    ]) {
      const { code, stderr, dir } = await run(path);
      expect([path, code, stderr]).toEqual([path, 1, expect.stringContaining(message)]);
      expect(() => statSync(join(dir, 'ca', 'rds-ca.pem'))).toThrow(/ENOENT/);
    }
  });
});
