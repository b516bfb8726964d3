import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SessionTokens, TokenStore } from '@app/api-client';
import { UsageError } from './exit-codes';

/** One named profile: where the gateway is and how to authenticate to it. */
export interface Profile {
  url: string;
  /** An API key (`mcp_…`), or the tokens of a `login`. */
  api_key?: string;
  username?: string;
  tokens?: SessionTokens;
}

interface CredentialsFile {
  profiles: Record<string, Profile>;
}

const PROFILE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 15_000;

/** `$XDG_CONFIG_HOME/aws-mcp`, else `~/.config/aws-mcp` (an XDG_CONFIG_HOME that is not absolute is ignored, as the spec says). */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(env.HOME || homedir(), '.config'), 'aws-mcp');
}

export function checkProfileName(name: string): string {
  if (!PROFILE_NAME.test(name)) throw new UsageError(`profile "${name.slice(0, 80)}": use letters, digits, ".", "_" or "-" (at most 64)`);
  return name;
}

/**
 * The credentials file (`credentials.json`, mode 0600, in a 0700 directory). Written whole to a temporary file
 * and renamed, so a reader never sees half of it; changes that read, modify and write hold a lock file, so two
 * processes refreshing tokens of one profile do not present the same single-use refresh token.
 */
export class ProfileStore {
  readonly path: string;
  /** Said once per process when the file was readable by others (then tightened). */
  warning?: string;

  constructor(readonly dir: string = configDir()) {
    this.path = join(dir, 'credentials.json');
  }

  read(): CredentialsFile {
    if (!existsSync(this.path)) return { profiles: {} };
    const mode = statSync(this.path).mode & 0o777;
    if (mode & 0o077) {
      chmodSync(this.path, 0o600);
      this.warning = `${this.path} was readable by others (mode ${mode.toString(8)}); it is 0600 now`;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (e) {
      throw new UsageError(`${this.path} is not valid JSON (${(e as Error).message}); fix or remove it`);
    }
    const profiles = (parsed as CredentialsFile)?.profiles;
    if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles)) throw new UsageError(`${this.path}: expected {"profiles": {...}}`);
    return { profiles };
  }

  get(name: string): Profile | undefined {
    const { profiles } = this.read();
    return Object.hasOwn(profiles, name) ? profiles[name] : undefined;
  }

  /** Read-modify-write of one profile under the lock; `change` returns undefined to delete it. */
  async update(name: string, change: (current: Profile | undefined) => Profile | undefined): Promise<Profile | undefined> {
    return this.locked(async () => {
      const file = this.read();
      const next = change(Object.hasOwn(file.profiles, name) ? file.profiles[name] : undefined);
      if (next) file.profiles[name] = next;
      else delete file.profiles[name];
      this.write(file);
      return next;
    });
  }

  private write(file: CredentialsFile): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600); // the umask may have taken bits away, never added: this is for a pre-existing tmp
    renameSync(tmp, this.path);
  }

  /** Runs `fn` holding `credentials.json.lock` (O_EXCL); a lock older than 30 s is taken as left by a dead process. */
  async locked<T>(fn: () => Promise<T>): Promise<T> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const lock = `${this.path}.lock`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        closeSync(openSync(lock, 'wx', 0o600));
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
        if (age > LOCK_STALE_MS) rmSync(lock, { force: true });
        else if (Date.now() > deadline) throw new Error(`${lock} is held by another aws-mcp process; remove it if none is running`);
        else await new Promise((r) => setTimeout(r, 25));
      }
    }
    try {
      return await fn();
    } finally {
      rmSync(lock, { force: true });
    }
  }

  /** The tokens of one profile as the api-client's TokenStore. */
  tokenStore(name: string): TokenStore {
    return {
      load: () => this.get(name)?.tokens,
      save: (tokens) => {
        // Called inside exclusive(), i.e. with the lock held: write without taking it again.
        const file = this.read();
        const profile = Object.hasOwn(file.profiles, name) ? file.profiles[name] : undefined;
        if (!profile) return;
        file.profiles[name] = { ...profile, tokens };
        if (!tokens) delete file.profiles[name].tokens;
        this.write(file);
      },
      exclusive: (fn) => this.locked(fn),
    };
  }
}
