import { resolve } from 'node:path';

/** `--name <number>` from the command line, or `fallback`: the benchmarks' sizes and durations. */
export function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/**
 * `BENCH_CPU_PROF=<dir>`: the Node options that make a process write a V8 CPU profile into that directory when it
 * stops (open it in Chrome DevTools or with `npx speedscope`); none when the variable is unset.
 */
export function cpuProfileArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(dir)}`] : [];
}
