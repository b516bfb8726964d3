import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from 'nats';
import { api } from './http';
import { createTestDatabase, ensureInfrastructure, NATS_URL } from './infra';
import { NatsServer, natsServerBinary, startNatsServer } from './nats-server';
import { freePort, waitFor } from './ports';

// The repository root, from test/support (ts-jest) or dist/test/support (benchmarks built with swc).
const ROOT = resolve(__dirname, __dirname.includes('/dist/test/') ? '../../..' : '../..');
export const APPS = ['integration-service', 'fleet-service', 'health-monitor', 'gateway'] as const;
export type AppName = (typeof APPS)[number] | 'standalone';

interface Proc {
  name: AppName;
  child: ChildProcess;
  port: number;
  log: string;
  /** Set when the harness stops it on purpose; any other exit is reported with the end of its log. */
  stopping?: boolean;
}

/**
 * A process that dies on its own during a test is a bug (no request may crash a service), and its log is gone
 * with the work dir once the system stops: print the end of it where the test run's output keeps it.
 */
function reportUnexpectedExit(proc: Proc): void {
  proc.child.once('exit', (code, signal) => {
    if (proc.stopping) return;
    let tail = '';
    try {
      tail = readFileSync(proc.log, 'utf8').slice(-6000);
    } catch {
      // no log yet
    }
    process.stderr.write(`\n[system under test] ${proc.name} (pid ${proc.child.pid}) exited unexpectedly: code ${code}, signal ${signal}. End of its log:\n${tail}\n`);
  });
}

export interface SystemOptions {
  /** Extra environment for every process (e.g. AWS_ENDPOINT_URL). */
  env?: Record<string, string>;
  /** Standalone: reuse a data directory (restart tests). */
  dataDir?: string;
  /** Node options for every process, e.g. `--cpu-prof` (NODE_OPTIONS refuses that one). */
  nodeArgs?: string[];
  /**
   * The PostgreSQL server (admin URL) to create this system's database on, e.g. a private `startPostgresCluster()` a
   * fault test stops and starts. Default: this machine's (distributed) or PGlite (standalone); standalone uses it
   * through DATABASE_URL instead of PGlite.
   */
  postgresUrl?: string;
  /** Distributed mode: a PostgreSQL server per app (a database of its own there), e.g. to stop one app's database alone. */
  appPostgresUrl?: Partial<Record<(typeof APPS)[number], string>>;
}

export type TestRole = 'admin' | 'operator' | 'viewer';

/**
 * The whole system as real processes started from `dist/` (built by `npm test`): one standalone process, or
 * the four apps as separate processes on this machine's NATS (JetStream) and PostgreSQL, on a fresh database
 * and a JetStream stream of their own.
 */
export class SystemUnderTest {
  readonly procs = new Map<AppName, Proc>();
  baseUrl = '';
  natsUrl?: string;
  /** The nats-server of this system (distributed mode), for benchmarks that account its CPU. */
  natsPid?: number;
  streamName?: string;
  private readonly workDir = mkdtempSync(join(tmpdir(), 'mcp-e2e-'));
  private cleanups: Array<() => Promise<void>> = [];
  private baseEnv: Record<string, string> = {};
  /** Environment of one app on top of baseEnv (its own DATABASE_URL). */
  private readonly appEnv = new Map<AppName, Record<string, string>>();

  /** The PostgreSQL database of this system (distributed mode). */
  get databaseName(): string | undefined {
    return this.baseEnv.DATABASE_URL ? new URL(this.baseEnv.DATABASE_URL).pathname.slice(1) : undefined;
  }
  /** The bootstrap admin's password (BOOTSTRAP_ADMIN_PASSWORD): fixed per data directory, so a restart logs in again. */
  readonly adminPassword: string;
  /** One API key per role, made on first use by the admin key. */
  private readonly keys = new Map<TestRole, Promise<string>>();

  private constructor(
    readonly mode: 'standalone' | 'distributed',
    private readonly opts: SystemOptions,
  ) {
    this.adminPassword = opts.dataDir ? `e2e-admin-${createHash('sha256').update(resolve(opts.dataDir)).digest('hex').slice(0, 24)}` : `e2e-admin-${randomBytes(12).toString('hex')}`;
  }

  static async start(mode: 'standalone' | 'distributed' = (process.env.E2E_MODE as 'standalone' | 'distributed') ?? 'standalone', opts: SystemOptions = {}): Promise<SystemUnderTest> {
    const sut = new SystemUnderTest(mode, opts);
    try {
      await (mode === 'standalone' ? sut.startStandalone() : sut.startDistributed());
      await sut.keyFor('admin');
    } catch (e) {
      await sut.stop();
      throw e;
    }
    return sut;
  }

  private cleanEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && !k.startsWith('MCP_') && !['DATABASE_URL', 'NATS_URL', 'AWS_ENDPOINT_URL', 'AWS_PROFILE', 'E2E_MODE', 'BOOTSTRAP_ADMIN_PASSWORD'].includes(k) && !k.startsWith('JEST') && k !== 'NODE_OPTIONS') env[k] = v;
    }
    // Known admin password; rate limits out of the way of suites that do not test them (security.e2e-spec does).
    const auth = { BOOTSTRAP_ADMIN_PASSWORD: this.adminPassword, MCP_AUTH_RATE_LIMIT_PER_MINUTE: '1000000', MCP_AUTH_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000' };
    return { ...env, MCP_LOGGING_LEVEL: 'info', MCP_SERVER_HOST: '127.0.0.1', ...auth, ...this.opts.env };
  }

  private async startStandalone(): Promise<void> {
    const dataDir = this.opts.dataDir ?? join(this.workDir, 'data');
    this.baseEnv = { ...this.cleanEnv(), MCP_DATA_DIR: dataDir, MCP_INTEGRATIONS_DATA_DIR: join(dataDir, 'integrations') };
    if (this.opts.postgresUrl) {
      const db = await createTestDatabase('mcp_e2e', this.opts.postgresUrl);
      this.cleanups.push(() => db.drop());
      this.baseEnv.DATABASE_URL = db.url;
    }
    const p = await this.spawnApp('standalone');
    this.baseUrl = `http://127.0.0.1:${p.port}`;
  }

  private async startDistributed(): Promise<void> {
    await ensureInfrastructure();
    const db = await createTestDatabase('mcp_e2e', this.opts.postgresUrl);
    this.cleanups.push(() => db.drop());
    // A stream of our own (its subjects overlap the default one's, so that one is removed first).
    this.streamName = `MCP_E2E_${Date.now().toString(36).toUpperCase()}`;
    this.natsUrl = await this.startOwnNats();
    await this.clearOverlappingStreams();
    this.cleanups.push(() => this.deleteStream());
    this.baseEnv = {
      ...this.cleanEnv(),
      DATABASE_URL: db.url,
      NATS_URL: this.natsUrl,
      MCP_NATS_STREAM: this.streamName,
      MCP_SECURITY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      MCP_AUTH_JWT_SECRET: randomBytes(48).toString('base64url'),
      MCP_DATA_DIR: join(this.workDir, 'data'),
      MCP_INTEGRATIONS_DATA_DIR: join(this.workDir, 'data', 'integrations'),
    };
    for (const [app, url] of Object.entries(this.opts.appPostgresUrl ?? {})) {
      const own = await createTestDatabase('mcp_e2e', url);
      this.cleanups.push(() => own.drop());
      this.appEnv.set(app as AppName, { DATABASE_URL: own.url });
    }
    for (const app of APPS) await this.spawnApp(app);
    this.baseUrl = `http://127.0.0.1:${this.procs.get('gateway')!.port}`;
  }

  /**
   * A nats-server (JetStream, store in the work dir) of this system's own. On the machine's shared server, the
   * services of another system under test join the same queue groups and answer our requests, and its stream
   * overlaps ours (seen: 404s from a stopped service, "subjects overlap with an existing stream" at start).
   */
  private async startOwnNats(): Promise<string> {
    if (!natsServerBinary()) return NATS_URL;
    const server = await startNatsServer(join(this.workDir, 'jetstream'));
    this.natsServer = server;
    this.natsPid = server.pid;
    this.cleanups.push(() => this.natsServer!.stop());
    return server.url;
  }

  private natsServer?: NatsServer;

  /** Stops this system's own nats-server (distributed mode): SIGKILL by default, a crash. */
  async stopNats(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.natsServer) throw new Error('this system has no nats-server of its own');
    await this.natsServer.stop(signal);
  }

  /** Starts this system's nats-server again, on the same port and store, where the apps reconnect. */
  async startNats(): Promise<void> {
    if (!this.natsServer) throw new Error('this system has no nats-server of its own');
    this.natsServer = await startNatsServer(join(this.workDir, 'jetstream'), this.natsServer.port);
    this.natsPid = this.natsServer.pid;
  }

  private async clearOverlappingStreams(): Promise<void> {
    const nc = await connect({ servers: this.natsUrl ?? NATS_URL });
    try {
      const jsm = await nc.jetstreamManager();
      for await (const s of jsm.streams.list()) {
        if ((s.config.subjects ?? []).some((sub) => /^(integration|fleet|health)\./.test(sub) || sub === '>')) await jsm.streams.delete(s.config.name);
      }
    } finally {
      await nc.close();
    }
  }

  private async deleteStream(): Promise<void> {
    if (!this.streamName) return;
    const nc = await connect({ servers: this.natsUrl ?? NATS_URL });
    try {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.delete(this.streamName).catch(() => undefined);
    } finally {
      await nc.close();
    }
  }

  /** Starts (or restarts) one app and waits until it is ready. */
  async spawnApp(name: AppName, extraEnv: Record<string, string> = {}): Promise<Proc> {
    const port = this.procs.get(name)?.port ?? (await freePort());
    const log = join(this.workDir, `${name}.log`);
    const fd = openSync(log, 'a');
    const child = spawn(process.execPath, [...(this.opts.nodeArgs ?? []), join(ROOT, 'dist/apps', name, 'src/main.js')], {
      cwd: this.workDir,
      env: { ...this.baseEnv, ...this.appEnv.get(name), MCP_SERVER_PORT: String(port), ...extraEnv },
      stdio: ['ignore', fd, fd],
    });
    const proc: Proc = { name, child, port, log };
    reportUnexpectedExit(proc);
    this.procs.set(name, proc);
    try {
      await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
          const res = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null);
          return res?.status === 200;
        },
        120000, // generous: a loaded 2-core machine starts four apps (and the gateway its schema and first admin) slowly
        150,
        `${name} to be ready`,
      );
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- ${name} log ---\n${this.logOf(name).slice(-3000)}`);
    }
    return proc;
  }

  /** Extra instances of an app (distributed mode), beside the one spawnApp started: see spawnReplica. */
  readonly replicas: Proc[] = [];
  /** Replicas stopped during the run: their logs still count (allLogs). */
  private readonly stoppedReplicas: Proc[] = [];

  /**
   * Starts one more instance of a service (distributed mode), on a port of its own, and waits until it is ready.
   * Stop it with `stopReplica`; `stop()` stops every replica too.
   */
  async spawnReplica(name: (typeof APPS)[number], extraEnv: Record<string, string> = {}): Promise<Proc> {
    if (this.mode !== 'distributed') throw new Error('replicas need distributed mode');
    const port = await freePort();
    const log = join(this.workDir, `${name}.replica-${this.replicas.length + 1}.log`);
    const fd = openSync(log, 'a');
    const child = spawn(process.execPath, [...(this.opts.nodeArgs ?? []), join(ROOT, 'dist/apps', name, 'src/main.js')], {
      cwd: this.workDir,
      env: { ...this.baseEnv, ...this.appEnv.get(name), MCP_SERVER_PORT: String(port), ...extraEnv },
      stdio: ['ignore', fd, fd],
    });
    const proc: Proc = { name, child, port, log };
    reportUnexpectedExit(proc);
    this.replicas.push(proc);
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} replica exited with ${child.exitCode}: ${readFileSync(log, 'utf8').slice(-2000)}`);
        const res = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null);
        return res?.status === 200;
      },
      60000,
      150,
      `${name} replica to be ready`,
    );
    return proc;
  }

  /** Stops a replica started by spawnReplica: SIGTERM (graceful) by default, or SIGKILL. */
  async stopReplica(proc: Proc, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) return proc.child.exitCode;
    proc.stopping = true;
    const i = this.replicas.indexOf(proc);
    if (i >= 0) this.stoppedReplicas.push(...this.replicas.splice(i, 1));
    return new Promise((resolveExit) => {
      const timer = setTimeout(() => proc.child.kill('SIGKILL'), 20000);
      proc.child.once('exit', (code) => {
        clearTimeout(timer);
        resolveExit(code);
      });
      proc.child.kill(signal);
    });
  }

  /**
   * A JSON client for the gateway acting as `role`. Every e2e test talks to the API through this, so that
   * authentication is added in one place.
   */
  api(role: TestRole = 'admin'): ReturnType<typeof api> {
    return api(this.baseUrl, {}, async () => ({ 'x-api-key': await this.keyFor(role) }));
  }

  /** A client with no credentials at all. */
  anonymous(): ReturnType<typeof api> {
    return api(this.baseUrl);
  }

  /** Logs in with username and password; the token response (access_token, refresh_token, expires_in). */
  async login(username = 'admin', password = this.adminPassword): Promise<{ access_token: string; refresh_token: string; expires_in: number }> {
    const res = await api(this.baseUrl).post('/api/v1/auth/login', { username, password });
    if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /**
   * The API key this harness uses for `role`: the admin's is made with a login as the bootstrap admin, the others
   * by the admin on first use.
   */
  keyFor(role: TestRole): Promise<string> {
    let key = this.keys.get(role);
    if (!key) {
      key = (async () => {
        const headers: Record<string, string> = role === 'admin' ? { authorization: `Bearer ${(await this.login()).access_token}` } : { 'x-api-key': await this.keyFor('admin') };
        const res = await api(this.baseUrl).post('/api/v1/api-keys', { name: `e2e-${role}`, role }, headers);
        if (res.status !== 201) throw new Error(`creating the ${role} API key failed: ${res.status} ${JSON.stringify(res.body)}`);
        return res.body.key as string;
      })();
      key.catch(() => this.keys.delete(role));
      this.keys.set(role, key);
    }
    return key;
  }

  /** The access-token signing secret (standalone: generated into the data directory; distributed: given). */
  jwtSecret(): string {
    if (this.baseEnv.MCP_AUTH_JWT_SECRET) return this.baseEnv.MCP_AUTH_JWT_SECRET;
    return readFileSync(join(this.baseEnv.MCP_DATA_DIR, 'jwt.secret'), 'utf8').trim();
  }

  /** Where an app answers HTTP (its own port in distributed mode; the one process in standalone mode). */
  urlOf(app: AppName): string {
    const p = this.procs.get(this.mode === 'standalone' ? 'standalone' : app);
    return p ? `http://127.0.0.1:${p.port}` : '';
  }

  /** The folder FILE integrations (and plugins) work in: `integrations.data_dir` of every process. */
  integrationsDataDir(): string {
    return this.baseEnv.MCP_INTEGRATIONS_DATA_DIR ?? '';
  }

  /** The database the distributed system runs on (for assertions on what is stored). */
  databaseUrl(): string {
    return this.baseEnv.DATABASE_URL ?? '';
  }

  logOf(name: AppName): string {
    const p = this.procs.get(name);
    try {
      return p ? readFileSync(p.log, 'utf8') : '';
    } catch {
      return '';
    }
  }

  /** All log output so far, every process (replicas included). */
  allLogs(): string {
    const replicaLogs = this.replicas.concat(this.stoppedReplicas).map((r) => {
      try {
        return readFileSync(r.log, 'utf8');
      } catch {
        return '';
      }
    });
    return [...[...this.procs.keys()].map((n) => this.logOf(n)), ...replicaLogs].join('\n');
  }

  /** Stops one app: SIGTERM (graceful) by default, or SIGKILL. */
  async stopApp(name: AppName, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const p = this.procs.get(name);
    if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return p?.child.exitCode ?? null;
    p.stopping = true;
    return new Promise((resolveExit) => {
      const timer = setTimeout(() => p.child.kill('SIGKILL'), 20000);
      p.child.once('exit', (code) => {
        clearTimeout(timer);
        resolveExit(code);
      });
      p.child.kill(signal);
    });
  }

  async stop(): Promise<void> {
    for (const r of this.replicas.splice(0)) await this.stopReplica(r);
    for (const name of [...this.procs.keys()].reverse()) await this.stopApp(name);
    for (const c of this.cleanups.reverse()) await c().catch(() => undefined);
    if (!this.opts.dataDir) rmSync(this.workDir, { recursive: true, force: true });
  }
}
