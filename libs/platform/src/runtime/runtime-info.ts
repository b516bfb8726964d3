import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface RuntimeInfo {
  app: string;
  instanceId: string;
  version: string;
  startedAt: Date;
  mode: 'standalone' | 'distributed';
  /**
   * No other instance of this app can exist: one process with the in-process bus, whose work nobody else can share.
   * Background loops use it to treat every unfinished job at start as an orphan of an earlier run, and to tick less often.
   */
  singleInstance: boolean;
}

export const RUNTIME_INFO = Symbol('RUNTIME_INFO');

let cachedVersion: string | undefined;
/** The product version from the root package.json, found from wherever the code runs (src or dist). */
export function productVersion(): string {
  if (cachedVersion) return cachedVersion;
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'aws-mcp-server') return (cachedVersion = pkg.version ?? '0.0.0');
    }
    dir = dirname(dir);
  }
  return (cachedVersion = '0.0.0');
}
