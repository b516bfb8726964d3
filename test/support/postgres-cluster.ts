import { execFileSync, spawnSync, SpawnSyncOptions } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';

/**
 * A PostgreSQL server of a test's own (initdb + pg_ctl in a temporary directory, on a free loopback port), for
 * fault tests that stop, crash and restart the database. Never this machine's shared server: other engineers' runs
 * and CI use it at the same time.
 */
export interface PostgresCluster {
  /** Admin URL (user postgres, trust auth, database postgres): pass it to createTestDatabase or SystemOptions.postgresUrl. */
  url: string;
  port: number;
  /** `pg_ctl stop`: `fast` (clean: connections terminated) or `immediate` (a crash: no checkpoint, recovery at the next start). */
  stop(mode?: 'fast' | 'immediate'): void;
  /** Starts it again on the same port and directory; resolves when it accepts connections. */
  start(): void;
  readonly running: boolean;
  /** Stops it (immediately) and deletes its directory. */
  destroy(): void;
}

/** The newest PostgreSQL server binaries of this machine (Debian keeps them under /usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length ? join(root, majors[0], 'bin') : undefined;
}

/** initdb and the server refuse to run as root: as root, run them as the `postgres` user and give it the directory. */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('no PostgreSQL server binaries (looked for /usr/lib/postgresql/*/bin/initdb)');
  const dir = mkdtempSync(join(tmpdir(), 'mcp-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const user = runAs();
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
  const port = await freePort();
  const opts: SpawnSyncOptions = { ...user, encoding: 'utf8', timeout: 60_000, cwd: dir };
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(join(bin, cmd), args, opts);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}${existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : ''}`);
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  // Durability off: a test database; a crash (`stop('immediate')`) still goes through recovery at the next start.
  writeFileSync(
    join(data, 'postgresql.auto.conf'),
    [`port = ${port}`, `listen_addresses = '127.0.0.1'`, `unix_socket_directories = '${dir}'`, 'fsync = off', 'synchronous_commit = off', 'full_page_writes = off', 'shared_buffers = 32MB', 'max_connections = 100', ''].join('\n'),
  );
  if (user.uid !== undefined) chownSync(join(data, 'postgresql.auto.conf'), user.uid, user.gid!);
  let running = false;
  const cluster: PostgresCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    get running() {
      return running;
    },
    start() {
      run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', 'start']);
      running = true;
    },
    stop(mode = 'fast') {
      run('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
      running = false;
    },
    destroy() {
      if (running) spawnSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], opts);
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    cluster.start();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return cluster;
}
