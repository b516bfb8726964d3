import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'nats';
import { freePort, waitFor } from './ports';

export interface NatsServer {
  url: string;
  pid: number;
  port: number;
  /** SIGTERM by default; SIGKILL for a crash. Resolves when the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const NATS_SERVER_BINARIES = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];

/** Whether this machine has a nats-server binary to start private servers with. */
export function natsServerBinary(): string | undefined {
  return NATS_SERVER_BINARIES.find((p) => existsSync(p));
}

/**
 * A nats-server of its own (JetStream, store in `storeDir`) on a free loopback port (or `port`: to start it again
 * where its clients reconnect), ready when this resolves.
 * Tests and benchmarks use one each: on the machine's shared server, another run's services join the same queue
 * groups and answer our requests, and its streams overlap ours.
 */
export async function startNatsServer(storeDir: string, port?: number): Promise<NatsServer> {
  const bin = natsServerBinary();
  if (!bin) throw new Error(`no nats-server binary (looked in ${NATS_SERVER_BINARIES.join(', ')})`);
  port ??= await freePort();
  const child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: 'ignore' });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  };
  const url = `nats://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}`);
        const nc = await connect({ servers: url, timeout: 1000 });
        await nc.close();
        return true;
      },
      15000,
      100,
      'a nats-server of our own',
    );
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return { url, pid: child.pid!, port, stop };
}
