import { ChildProcess, spawn } from 'node:child_process';
import { freePort, waitFor } from './ports';

export interface MotoServer {
  endpoint: string;
  port: number;
  /** Environment for the AWS SDK and CLI pointing at this server with dummy credentials. */
  env: Record<string, string>;
  /** Clears every resource in every account and region. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts `moto_server` (a real AWS API endpoint, on this machine's PATH) on a free loopback port.
 * One per test file; it keeps accounts and regions apart like AWS does.
 */
export async function startMoto(): Promise<MotoServer> {
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: 'true' },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`moto_server exited: ${stderr}`);
        const res = await fetch(`${endpoint}/moto-api/`).catch(() => null);
        return !!res && res.status < 500;
      },
      30000,
      200,
      'moto_server to start',
    );
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    endpoint,
    port,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
    },
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    async stop() {
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      });
    },
  };
}
