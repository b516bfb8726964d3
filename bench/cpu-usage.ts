import type { SystemUnderTest } from '../test/support/system';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime/stime (USER_HZ: 100 on Linux). */
const TICKS_PER_S = 100;

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command (which may contain spaces) in parentheses: state is field 3, utime 14, stime 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  } catch {
    return 0;
  }
}

/**
 * PIDs of every process whose command name is `comm` and, if given, whose command line contains `argsInclude`
 * (PostgreSQL's backends show their database there: `postgres: user db 127.0.0.1(port) idle`).
 */
function pidsNamed(comm: string, argsInclude?: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== comm) continue;
      if (argsInclude && !readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(` ${argsInclude} `)) continue;
      pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * CPU seconds per named group of processes over a stretch of work: `start()` before, `stop()` after. Groups are
 * resolved at both ends (PostgreSQL starts backends as clients connect), and a process that is gone at the end
 * counts from what it had used at the start (0).
 */
export function cpuMeter(groups: Record<string, () => number[]>) {
  const read = () => Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, new Map(pids().map((p) => [p, cpuSecondsOf(p)]))]));
  let before: Record<string, Map<number, number>> = {};
  return {
    start() {
      before = read();
    },
    /** CPU seconds used per group since start(). */
    stop(): Record<string, number> {
      const after = read();
      return Object.fromEntries(
        Object.entries(after).map(([name, now]) => {
          let used = 0;
          for (const [pid, s] of now) used += s - (before[name]?.get(pid) ?? 0);
          return [name, Math.round(used * 100) / 100];
        }),
      );
    },
  };
}

type BackendApp = 'integration-service' | 'fleet-service' | 'health-monitor';

/**
 * The CPU meter of a request path through a distributed system: the gateway, the one service the path calls, the
 * others (idle), its nats-server, the PostgreSQL backends of its database, and this process (the load generator).
 */
export function systemCpuMeter(sut: Pick<SystemUnderTest, 'procs' | 'natsPid' | 'databaseName'>, busy: BackendApp) {
  const pidOf = (name: 'gateway' | BackendApp) => [sut.procs.get(name)!.child.pid!];
  const idle = (['integration-service', 'fleet-service', 'health-monitor'] as const).filter((a) => a !== busy);
  return cpuMeter({
    gateway: () => pidOf('gateway'),
    [busy]: () => pidOf(busy),
    [`${idle.join(' + ')} (idle)`]: () => idle.flatMap(pidOf),
    'nats-server': () => (sut.natsPid ? [sut.natsPid] : []),
    // the backends serving this system's database (other work on the machine has backends of its own)
    'postgres (backends of this database)': () => pidsNamed('postgres', sut.databaseName),
    'load generator (autocannon)': () => [process.pid],
  });
}
