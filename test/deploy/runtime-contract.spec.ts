/**
 * The runtime contract the deployments rely on, checked against the real apps (no Docker here, so the pods are
 * played by processes): each app started the way its Deployment in the dev overlay starts it (entry point from
 * `args`, config file from the rendered ConfigMap, environment from the Deployment) serves /health/live,
 * /health/ready and /metrics on the configured port, and on SIGTERM stops being ready and exits 0 well inside
 * terminationGracePeriodSeconds minus the preStop sleep.
 *
 * Own nats-server (JetStream, temp store, free port) and a fresh PostgreSQL database, so nothing is shared with
 * other test runs. The sources are compiled with the project's build settings (.swcrc) into a temp dir.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, ensureInfrastructure, freePort, waitFor } from '@app/testing';
import { APPS, effectiveEnv, findKubectl, K8sObject, kustomize, parseManifestStream, REPO_ROOT } from './deploy-validation';

const kubectl = findKubectl();
const withKubectl = kubectl ? describe : describe.skip;
const NATS_SERVER = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => existsSync(p));

interface Pod {
  app: string;
  port: number;
  proc: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: string[];
}

const get = async (port: number, path: string) => {
  // No keep-alive: pooled sockets to processes we stop would outlive the test.
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000), headers: { connection: 'close' } });
  return { status: res.status, body: await res.text() };
};

/**
 * What the kubelet does after preStop: SIGTERM, then SIGKILL when the budget is spent. Reports whether the app
 * stopped being ready (503, or the listener closed) and how it exited.
 */
async function terminate(p: Pod, budgetMs: number) {
  const started = Date.now();
  p.proc.kill('SIGTERM');
  let sawNotReady = false;
  while (p.proc.exitCode === null && p.proc.signalCode === null && Date.now() - started < budgetMs) {
    const status = await get(p.port, '/health/ready').then((r) => r.status, () => 0);
    if (status !== 200) {
      sawNotReady = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ code: null; signal: null }>((r) => (timer = setTimeout(() => r({ code: null, signal: null }), Math.max(0, budgetMs - (Date.now() - started)))));
  const { code, signal } = await Promise.race([p.exit, timeout]);
  clearTimeout(timer);
  if (code === null && signal === null) p.proc.kill('SIGKILL');
  return { app: p.app, code, signal, sawNotReady: sawNotReady || p.proc.exitCode !== null, ms: Date.now() - started };
}

function spawnPod(app: string, port: number, args: string[], options: { cwd: string; env: Record<string, string> }): Pod {
  const proc = spawn(process.execPath, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  proc.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  proc.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return { app, port, proc, exit, output };
}

withKubectl('runtime contract of the dev overlay, against the built apps', () => {
  const work = mkdtempSync(join(tmpdir(), 'mcp-runtime-contract-'));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(work, { recursive: true, force: true })];
  const pods: Pod[] = [];
  let objects: K8sObject[];

  beforeAll(async () => {
    if (!NATS_SERVER) throw new Error('nats-server is not installed (Debian package nats-server)');
    objects = parseManifestStream(kustomize(kubectl!, join(REPO_ROOT, 'deploy', 'k8s', 'overlays', 'dev')));

    // Same compiler and settings as `npm run build`, into a private dir (never the shared dist/).
    execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'swc'), ['apps', 'libs', '-d', join(work, 'dist'), '--config-file', '.swcrc', '-q'], {
      cwd: REPO_ROOT,
      stdio: 'pipe',
      timeout: 60_000,
    });

    await ensureInfrastructure();
    const db = await createTestDatabase('mcp_deploy');
    cleanups.push(() => db.drop());

    const natsPort = await freePort();
    const monitorPort = await freePort();
    const nats = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', join(work, 'jetstream'), '-m', String(monitorPort)], { stdio: 'ignore' });
    const natsExit = new Promise((resolve) => nats.once('exit', resolve));
    cleanups.push(async () => {
      nats.kill('SIGTERM');
      await natsExit;
    });
    // The same check as the compose healthcheck and the dev StatefulSet's readinessProbe.
    await waitFor(async () => (await get(monitorPort, '/healthz?js-enabled-only=true')).status === 200, 10_000, 100, 'nats-server with JetStream');

    for (const app of APPS) {
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === app)!;
      const container = deployment.spec.template.spec.containers[0];
      const port = await freePort();
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: work,
        NODE_ENV: 'production',
        NODE_PATH: join(REPO_ROOT, 'node_modules'),
        ...effectiveEnv(objects, deployment),
        // What differs from a pod: loopback ports, the test's own NATS and database, writable dirs under /tmp.
        MCP_SERVER_PORT: String(port),
        DATABASE_URL: db.url,
        NATS_URL: `nats://127.0.0.1:${natsPort}`,
        MCP_DATA_DIR: join(work, app, 'data'),
        MCP_INTEGRATIONS_DATA_DIR: join(work, app, 'data', 'integrations'),
      };
      // The image's WORKDIR is /app with dist/ in it; args are relative to it.
      const pod = spawnPod(app, port, container.args, { cwd: work, env });
      pods.push(pod);
      cleanups.push(() => void (pod.proc.exitCode === null && pod.proc.kill('SIGKILL')));
    }
    for (const pod of pods) {
      await waitFor(
        async () => {
          if (pod.proc.exitCode !== null) throw new Error(`${pod.app} exited ${pod.proc.exitCode}: ${pod.output.join('').slice(-2000)}`);
          return (await get(pod.port, '/health/ready')).status === 200;
        },
        30_000,
        200,
        `${pod.app} to become ready`,
      );
    }
  }, 90_000);

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it.each(APPS)('%s serves liveness, readiness and Prometheus metrics on the configured port', async (app) => {
    const pod = pods.find((p) => p.app === app)!;
    expect((await get(pod.port, '/health/live')).status).toBe(200);
    expect((await get(pod.port, '/health/ready')).status).toBe(200);
    const metrics = await get(pod.port, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/^# (HELP|TYPE) /m);
  });

  it('only the gateway serves the API docs', async () => {
    expect((await get(pods.find((p) => p.app === 'gateway')!.port, '/api/docs')).status).toBe(200);
    expect((await get(pods.find((p) => p.app === 'fleet-service')!.port, '/api/docs')).status).toBe(404);
  });

  it('on SIGTERM every app stops being ready and exits 0 within the pod grace period', async () => {
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'gateway')!;
    const pod = deployment.spec.template.spec;
    const preStopSeconds = Number(pod.containers[0].lifecycle.preStop.exec.command[1]);
    const budgetMs = (pod.terminationGracePeriodSeconds - preStopSeconds) * 1000;

    const results = await Promise.all(pods.map((p) => terminate(p, budgetMs)));
    for (const r of results) {
      expect({ app: r.app, code: r.code, signal: r.signal, sawNotReady: r.sawNotReady }).toEqual({ app: r.app, code: 0, signal: null, sawNotReady: true });
      expect(r.ms).toBeLessThan(budgetMs);
    }
  }, 60_000);

  it('the shutdown check fails an app that ignores SIGTERM and stays ready', async () => {
    const port = await freePort();
    const stubborn = spawnPod('stubborn', port, ['-e', `process.on('SIGTERM', () => {}); require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`], { cwd: work, env: { PATH: process.env.PATH ?? '' } });
    await waitFor(async () => (await get(port, '/health/ready')).status === 200, 5000, 50, 'stub listening');
    const r = await terminate(stubborn, 600);
    expect(r).toEqual(expect.objectContaining({ code: null, signal: null, sawNotReady: false }));
    await stubborn.exit;
  });
});
