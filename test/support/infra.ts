import { execFileSync } from 'node:child_process';
import { Socket } from 'node:net';
import { Client } from 'pg';

export const PG_URL = process.env.E2E_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const NATS_URL = process.env.E2E_NATS_URL ?? 'nats://127.0.0.1:4222';

function reachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('error', () => done(false));
    s.connect(port, host, () => done(true));
  });
}

/** The commands this machine documents for starting its services (see the node-svc notes). */
const START = {
  postgres: ['bash', ['-c', 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start']],
  nats: ['start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/nats-server', '--', '-a', '127.0.0.1', '-p', '4222', '-js', '-sd', '/var/lib/nats-server', '-l', '/var/log/nats-server.log']],
} as const;

/**
 * Makes sure PostgreSQL and NATS (JetStream) answer on loopback, starting them with the machine's own commands
 * when they are installed but stopped; otherwise fails with what is missing.
 */
export async function ensureInfrastructure(): Promise<void> {
  const pgUrl = new URL(PG_URL);
  const natsUrl = new URL(NATS_URL.replace(/^nats:/, 'http:'));
  for (const [name, host, port] of [
    ['postgres', pgUrl.hostname, Number(pgUrl.port || 5432)],
    ['nats', natsUrl.hostname, Number(natsUrl.port || 4222)],
  ] as const) {
    if (await reachable(host, port)) continue;
    const [cmd, args] = START[name];
    try {
      execFileSync(cmd, args as unknown as string[], { stdio: 'ignore', timeout: 30000 });
    } catch (e) {
      throw new Error(`${name} is not reachable at ${host}:${port} and could not be started (${(e as Error).message}). Start it, or set E2E_${name === 'postgres' ? 'POSTGRES' : 'NATS'}_URL.`);
    }
    const deadline = Date.now() + 20000;
    while (!(await reachable(host, port))) {
      if (Date.now() > deadline) throw new Error(`${name} was started but does not answer at ${host}:${port}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** A fresh database for one system under test; dropped by the returned function. */
export async function createTestDatabase(prefix = 'mcp_e2e', adminUrl = PG_URL): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
      await c.end();
    },
  };
}
