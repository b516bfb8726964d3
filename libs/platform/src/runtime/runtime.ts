import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppConfig, ConfigError, loadConfig } from '@app/config';
import { EVENT_STREAM } from '@app/contracts';
import { InProcessMessageBus, MessageBus, NatsMessageBus } from '@app/messaging';
import { AppLogger, createPino, startDefaultMetrics } from '@app/observability';
import { EmbeddedPostgres, startEmbeddedPostgres } from '@app/persistence';
import { Logger } from '@nestjs/common';
import { handleCommandLine } from './command-line';
import { productVersion, RuntimeInfo } from './runtime-info';

/** What an app needs from its surroundings; built once per process by the launcher. */
export interface AppRuntime {
  config: AppConfig;
  mode: 'standalone' | 'distributed';
  bus: MessageBus;
  databaseUrl: string;
  /** AES-256 key for secrets at rest. */
  encryptionKey: Buffer;
  /** HS256 key of the gateway's access tokens (≥ 32 bytes). */
  jwtSecret: Buffer;
  /** `--migrate-only`: apply the database migrations and exit (distributed mode). */
  migrateOnly?: boolean;
  /** Whether each app opens its own HTTP port (distributed) or only the gateway does (standalone). */
  listenAll: boolean;
  instanceId: string;
  version: string;
  startedAt: Date;
  loggerFor(app: string): AppLogger;
  info(app: string): RuntimeInfo;
  close(): Promise<void>;
}

/** A started app. */
export interface RunningApp {
  app: string;
  url?: string;
  /** Stop taking work (readiness goes red) without closing yet. */
  beginShutdown(): void;
  close(): Promise<void>;
}

/** Loads config or exits with one line that names the bad setting. */
export function loadConfigOrExit(): AppConfig {
  handleCommandLine(); // --help (and a mistyped option) answer before anything is read or started
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
}

function loggerFactory(config: AppConfig): (app: string) => AppLogger {
  const cache = new Map<string, AppLogger>();
  return (app) => {
    let l = cache.get(app);
    if (!l) cache.set(app, (l = new AppLogger(createPino({ level: config.logging.level, format: config.logging.format, service: app }))));
    return l;
  };
}

/** The standalone key lives in the data directory, created on first start, readable by the owner only. */
function standaloneKey(config: AppConfig, log: Logger): Buffer {
  if (config.security.encryption_key) return Buffer.from(config.security.encryption_key, 'base64');
  const path = join(resolve(config.data.dir), 'encryption.key');
  if (existsSync(path)) {
    const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new ConfigError(`Invalid configuration: ${path}: must hold 32 bytes in base64`);
    return key;
  }
  mkdirSync(resolve(config.data.dir), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(path, key.toString('base64') + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
  log.warn(`generated a new encryption key at ${path}; back it up: secrets stored with it cannot be read without it`);
  return key;
}

/** Like the encryption key: from config, else generated once into the data directory (owner-only). */
function standaloneJwtSecret(config: AppConfig, log: Logger): Buffer {
  if (config.auth.jwt_secret) return Buffer.from(config.auth.jwt_secret, 'utf8');
  const path = join(resolve(config.data.dir), 'jwt.secret');
  if (existsSync(path)) {
    const secret = readFileSync(path, 'utf8').trim();
    if (Buffer.byteLength(secret) < 32) throw new ConfigError(`Invalid configuration: ${path}: must hold at least 32 bytes`);
    return Buffer.from(secret, 'utf8');
  }
  mkdirSync(resolve(config.data.dir), { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(path, secret + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
  log.log(`generated a new access-token signing secret at ${path}`);
  return Buffer.from(secret, 'utf8');
}

async function natsBus(config: AppConfig, name: string): Promise<NatsMessageBus> {
  return NatsMessageBus.connect({
    url: config.nats.url!,
    name,
    requestTimeoutMs: config.nats.request_timeout_ms,
    stream: { name: config.nats.stream, subjects: EVENT_STREAM.subjects, maxAgeHours: config.nats.stream_max_age_hours },
    prefix: config.nats.prefix,
  });
}

/**
 * Standalone: all four apps in this process; PGlite under the data directory unless DATABASE_URL is set, the
 * in-process bus unless NATS_URL is set.
 */
export async function createStandaloneRuntime(config: AppConfig): Promise<AppRuntime> {
  // One process, one log stream: Nest's static logger is process-wide, so per-app names would be misleading.
  const shared = loggerFactory(config)('aws-mcp-server');
  const loggerFor = () => shared;
  Logger.overrideLogger(shared);
  const log = new Logger('Runtime');
  startDefaultMetrics();
  const instanceId = randomUUID();
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl = config.database.url;
  if (!databaseUrl) {
    const dir = join(resolve(config.data.dir), 'pgdata');
    embedded = await startEmbeddedPostgres(dir);
    databaseUrl = embedded.url;
    log.log(`embedded PostgreSQL (PGlite) at ${dir}`);
  }
  const bus: MessageBus = config.nats.url ? await natsBus(config, `standalone-${instanceId.slice(0, 8)}`) : new InProcessMessageBus(config.nats.request_timeout_ms);
  // With NATS, other standalone processes may share the bus (and the database): only the in-process bus rules them out.
  const singleInstance = bus instanceof InProcessMessageBus;
  if (bus instanceof NatsMessageBus) await bus.ensureStream();
  log.log(`messaging: ${bus.kind}`);
  const startedAt = new Date();
  return {
    config,
    mode: 'standalone',
    bus,
    databaseUrl,
    encryptionKey: standaloneKey(config, log),
    jwtSecret: standaloneJwtSecret(config, log),
    listenAll: false,
    instanceId,
    version: productVersion(),
    startedAt,
    loggerFor,
    info: (app) => ({ app, instanceId, version: productVersion(), startedAt, mode: 'standalone', singleInstance }),
    async close() {
      await bus.close().catch(() => undefined);
      await embedded?.stop();
    },
  };
}

/** Distributed: one app per process, NATS with JetStream and PostgreSQL required. */
export async function createDistributedRuntime(config: AppConfig, app: string): Promise<AppRuntime> {
  const missing = [
    !config.nats.url && 'nats.url (NATS_URL or MCP_NATS_URL)',
    !config.database.url && 'database.url (DATABASE_URL or MCP_DATABASE_URL)',
  ].filter(Boolean);
  if (missing.length) throw new ConfigError(`Invalid configuration: ${missing.join(' and ')}: required to run ${app} on its own (use npm start for standalone mode)`);
  const loggerFor = loggerFactory(config);
  Logger.overrideLogger(loggerFor(app));
  startDefaultMetrics();
  const instanceId = randomUUID();
  const bus = await natsBus(config, `${app}-${instanceId.slice(0, 8)}`);
  await bus.ensureStream();
  const startedAt = new Date();
  const key = config.security.encryption_key;
  return {
    config,
    mode: 'distributed',
    bus,
    databaseUrl: config.database.url!,
    get encryptionKey(): Buffer {
      // Only the service that holds secrets needs the key; it asks for it at start and fails fast there.
      if (!key) throw new ConfigError('Invalid configuration: security.encryption_key (MCP_SECURITY_ENCRYPTION_KEY): required in distributed mode (openssl rand -base64 32)');
      return Buffer.from(key, 'base64');
    },
    get jwtSecret(): Buffer {
      // Only the gateway signs and checks tokens; every replica must share the secret, so it is never generated here.
      if (!config.auth.jwt_secret) throw new ConfigError('Invalid configuration: auth.jwt_secret (MCP_AUTH_JWT_SECRET): required in distributed mode (openssl rand -base64 48)');
      return Buffer.from(config.auth.jwt_secret, 'utf8');
    },
    listenAll: true,
    migrateOnly: process.argv.includes('--migrate-only'),
    instanceId,
    version: productVersion(),
    startedAt,
    loggerFor,
    info: (name) => ({ app: name, instanceId, version: productVersion(), startedAt, mode: 'distributed', singleInstance: false }),
    close: () => bus.close(),
  };
}

/**
 * Runs apps until SIGTERM/SIGINT: readiness goes red, in-flight work finishes, connections close; a second
 * signal or the grace period forces the exit.
 */
export function handleShutdownSignals(apps: RunningApp[], runtime: AppRuntime): void {
  const log = new Logger('Shutdown');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      log.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    log.log(`${signal}: shutting down (grace ${runtime.config.server.shutdown_grace_ms} ms)`);
    const force = setTimeout(() => {
      log.error('grace period over: exiting with work unfinished');
      process.exit(1);
    }, runtime.config.server.shutdown_grace_ms);
    force.unref();
    apps.forEach((a) => a.beginShutdown());
    // gateway first so no new work comes in, then the services in reverse start order
    for (const a of [...apps].reverse()) await a.close().catch((e) => log.error(`closing ${a.app}: ${(e as Error).message}`));
    await runtime.close();
    clearTimeout(force);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

/** Exits with one line on a startup failure (config, database, NATS); never a stack trace for a bad setting. */
export function failStartup(e: unknown): never {
  const message = e instanceof ConfigError ? e.message : `Startup failed: ${(e as Error)?.message ?? String(e)}`;
  process.stderr.write(`${message}\n`);
  process.exit(e instanceof ConfigError ? 78 : 1);
}
