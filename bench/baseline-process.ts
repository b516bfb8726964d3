import { spawn } from 'node:child_process';

/** A benchmark's baseline server in a process of its own: the script prints its port on its first stdout line. */
export async function startBaselineProcess(script: string, args: string[]): Promise<{ port: number; pid: number; stop(): void }> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((res, rej) => {
    child.stdout!.once('data', (d: Buffer) => res(Number(String(d).trim())));
    child.once('exit', (c) => rej(new Error(`baseline exited with ${c}`)));
  });
  return { port, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

/** CPU milliseconds per unit of work (request, call) of each process group, and their total. */
export function cpuMsPer(cpuSeconds: Record<string, number>, units: number): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  for (const [name, s] of Object.entries(cpuSeconds)) {
    out[name] = Math.round((s * 1000 * 1000) / units) / 1000;
    total += s;
  }
  out.total = Math.round((total * 1000 * 1000) / units) / 1000;
  return out;
}

export interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; average: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}

// autocannon ships no type declarations
export const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;
