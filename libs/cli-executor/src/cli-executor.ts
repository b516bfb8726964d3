import { AppException, parseCommandJson } from '@app/contracts';
import { ChildProcess, spawn as nodeSpawn, SpawnOptions } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { OutputCapture } from './output-capture';
import { CommandPolicy, PolicyContext } from './policy/command-policy';
import { PolicyRefusal } from './policy/policy-codes';

export interface CliCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type SpawnFn = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

export interface CliExecutorOptions {
  region: string;
  credentials: CliCredentials;
  /** e.g. moto in tests; given as AWS_ENDPOINT_URL and --endpoint-url, which the policy refuses from callers. */
  endpointUrl?: string;
  timeoutMs?: number;
  /** Between SIGTERM and SIGKILL when a run times out or is aborted. */
  killGraceMs?: number;
  /** Per stream: stdout and stderr each keep at most this much in the result. */
  maxOutputBytes?: number;
  /** Per stream: past this much spilled output the child is stopped (protects the disk). */
  maxSpillBytes?: number;
  /** Spill files are deleted after this long even if the caller forgets release(). */
  spillRetentionMs?: number;
  awsBinary?: string;
  /** Checked on every run; defaults to the built-in policy. */
  policy?: CommandPolicy;
  /** PATH given to the child (it needs one to find `aws` and python); defaults to this process's PATH. */
  pathEnv?: string;
  /** Parent folder for the per-run work and spill directories; defaults to the OS temp dir. */
  tempDir?: string;
  /** Injectable for tests. */
  spawn?: SpawnFn;
}

export interface CliRunOptions {
  signal?: AbortSignal;
  /** Who asks. Defaults to a read-only viewer, so a caller that forgets this cannot mutate anything. */
  access?: PolicyContext;
}

export interface CliFullOutput {
  stdout: string;
  stderr: string;
}

export interface CliResult {
  service: string;
  operation: string;
  mutating: boolean;
  /** Arguments given to `aws` (no credentials ever appear here: they travel in the environment). */
  argv: string[];
  exit_code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed when it is complete JSON, else null. */
  json: unknown;
  duration_ms: number;
  /** True when stdout or stderr went past maxOutputBytes; the result then holds only the head. */
  truncated: boolean;
  /** Total bytes the child wrote to stdout and stderr. */
  output_bytes: number;
  timed_out: boolean;
  aborted: boolean;
  /** True when the child was stopped because its output passed maxSpillBytes. */
  output_limit_exceeded: boolean;
  /** Spill files holding the whole stream when it was truncated (null for a stream kept whole). */
  full_output_paths: { stdout: string | null; stderr: string | null } | null;
  /** The whole output, read back from the spill files when truncated. Call before release(). */
  fullOutput(): Promise<CliFullOutput>;
  /** Deletes the spill files (also done after spillRetentionMs). Idempotent; a no-op when nothing was spilled. */
  release(): Promise<void>;
}

/** Thrown by run() when the policy refuses the command; carries the refusal's stable code and status. */
export class CliCommandRefusedError extends AppException {
  constructor(readonly refusal: PolicyRefusal) {
    super(refusal.code, refusal.message, { status: refusal.status, title: 'AWS CLI command refused' });
    this.name = 'CliCommandRefusedError';
  }
}

const REGION = /^[a-z]{2}(-[a-z0-9]+)+-\d+$/;
const CREDENTIAL = /^[\x21-\x7e]+$/;
const READ_ONLY: PolicyContext = { role: 'viewer', allowMutations: false };

/**
 * Runs the real AWS CLI for one account and region, as a library:
 * `new CliExecutor({ region, credentials }).run('ec2 describe-instances')`.
 * The command is checked by the CommandPolicy, then spawned with an argument array (never a shell) and an
 * environment built from scratch, so nothing of this process (its secrets, AWS_PROFILE, config files)
 * reaches the CLI.
 */
export class CliExecutor {
  private readonly options: Required<Omit<CliExecutorOptions, 'endpointUrl' | 'spawn' | 'policy'>> & { endpointUrl?: string };
  private readonly policy: CommandPolicy;
  private readonly spawnFn: SpawnFn;

  constructor(options: CliExecutorOptions) {
    validateOptions(options);
    this.options = {
      region: options.region,
      credentials: { ...options.credentials },
      endpointUrl: options.endpointUrl,
      timeoutMs: options.timeoutMs ?? 300_000,
      killGraceMs: options.killGraceMs ?? 5_000,
      maxOutputBytes: options.maxOutputBytes ?? 1_048_576,
      maxSpillBytes: options.maxSpillBytes ?? 256 * 1_048_576,
      spillRetentionMs: options.spillRetentionMs ?? 15 * 60_000,
      awsBinary: options.awsBinary ?? 'aws',
      pathEnv: options.pathEnv ?? process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      tempDir: options.tempDir ?? tmpdir(),
    };
    this.policy = options.policy ?? new CommandPolicy();
    this.spawnFn = options.spawn ?? nodeSpawn;
  }

  /** The child's whole environment. Nothing is copied from process.env except the configured PATH. */
  buildEnv(home: string): Record<string, string> {
    const { credentials, region, endpointUrl, pathEnv } = this.options;
    return {
      PATH: pathEnv,
      HOME: home,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
      // CLI v1 reads AWS_DEFAULT_REGION; botocore also honours AWS_REGION.
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      // Honoured by botocore >= 1.31 for most services; run() also passes --endpoint-url (see there).
      ...(endpointUrl ? { AWS_ENDPOINT_URL: endpointUrl } : {}),
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
      // `help` pipes groff's overstruck text to MANPAGER (default `less -R`); col -b yields plain text.
      // Without col on PATH the CLI prints the raw text itself.
      MANPAGER: 'col -b',
      // Never fall back to the host's instance role, whatever happens to the keys above.
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  }

  /** Checks the command with the policy (throws CliCommandRefusedError) and runs it. */
  async run(commandLine: string, runOptions: CliRunOptions = {}): Promise<CliResult> {
    const decision = this.policy.check(commandLine, runOptions.access ?? READ_ONLY);
    if (!decision.allowed) throw new CliCommandRefusedError(decision);
    const { service, operation, mutating } = decision;
    const userChoseOutput = decision.argv.some((a) => a === '--output' || a.startsWith('--output='));
    const argv = [
      // AWS_ENDPOINT_URL alone is not enough: CLI v1 pins sqs, emr, rds, docdb, neptune and health to
      // fixed endpoints (awscli/customizations/overridesslcommonname.py) unless --endpoint-url is given.
      ...(this.options.endpointUrl ? ['--endpoint-url', this.options.endpointUrl] : []),
      ...(operation === 'help' || userChoseOutput ? [] : ['--output', 'json']),
      ...decision.argv,
    ];
    return this.execute(argv, { service, operation, mutating }, runOptions.signal);
  }

  private async execute(argv: string[], meta: { service: string; operation: string; mutating: boolean }, signal?: AbortSignal): Promise<CliResult> {
    const { timeoutMs, killGraceMs, maxOutputBytes, maxSpillBytes, spillRetentionMs, awsBinary, tempDir } = this.options;
    const started = performance.now();
    let spillDir: string | null = null;
    const ensureSpillDir = () => (spillDir ??= mkdtempSync(join(tempDir, 'aws-cli-out-')));
    const stdout = new OutputCapture('stdout', maxOutputBytes, maxSpillBytes, ensureSpillDir);
    const stderr = new OutputCapture('stderr', maxOutputBytes, maxSpillBytes, ensureSpillDir);
    const finish = (exit: { code: number | null; signal: NodeJS.Signals | null }, flags: { timedOut: boolean; aborted: boolean; overflow: boolean }) =>
      buildResult(meta, argv, exit, flags, stdout, stderr, performance.now() - started, () => spillDir, spillRetentionMs);

    if (signal?.aborted) return finish({ code: null, signal: null }, { timedOut: false, aborted: true, overflow: false });

    // An empty private folder as HOME and cwd: relative paths and ~ lead nowhere.
    const workDir = mkdtempSync(join(tempDir, 'aws-cli-run-'));
    try {
      const child = this.spawnFn(awsBinary, argv, {
        env: this.buildEnv(workDir),
        cwd: workDir,
        shell: false,
        stdio: ['ignore', 'pipe', 'pipe'],
        // Own process group, so a timeout also stops anything the CLI started (groff, a pager).
        detached: true,
        windowsHide: true,
      });
      const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean; aborted: boolean; overflow: boolean }>((resolve, reject) => {
        let reason: 'timeout' | 'abort' | 'overflow' | null = null;
        let graceTimer: NodeJS.Timeout | undefined;
        const killGroup = (sig: NodeJS.Signals) => {
          try {
            if (child.pid) process.kill(-child.pid, sig);
          } catch {
            // already gone
          }
        };
        const stop = (why: 'timeout' | 'abort' | 'overflow') => {
          if (reason) return;
          reason = why;
          killGroup('SIGTERM');
          graceTimer = setTimeout(() => killGroup('SIGKILL'), killGraceMs);
          graceTimer.unref();
        };
        const timer = setTimeout(() => stop('timeout'), timeoutMs);
        const onAbort = () => stop('abort');
        signal?.addEventListener('abort', onAbort, { once: true });
        const cleanup = () => {
          clearTimeout(timer);
          clearTimeout(graceTimer);
          signal?.removeEventListener('abort', onAbort);
        };
        child.stdout?.on('data', (d: Buffer) => stdout.write(d) || stop('overflow'));
        child.stderr?.on('data', (d: Buffer) => stderr.write(d) || stop('overflow'));
        child.once('error', (err) => {
          cleanup();
          killGroup('SIGKILL');
          reject(new Error(`Could not start the AWS CLI (${awsBinary}): ${err.message}`));
        });
        // The CLI is done; anything it left behind in its group is an orphan.
        child.once('exit', () => killGroup('SIGKILL'));
        child.once('close', (code, sig) => {
          cleanup();
          resolve({ code, signal: sig, timedOut: reason === 'timeout', aborted: reason === 'abort', overflow: reason === 'overflow' });
        });
      });
      await Promise.all([stdout.close(), stderr.close()]);
      return finish(exit, { timedOut: exit.timedOut, aborted: exit.aborted, overflow: exit.overflow });
    } catch (e) {
      await Promise.all([stdout.close(), stderr.close()]);
      if (spillDir) await rm(spillDir, { recursive: true, force: true });
      throw e;
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }
}

function buildResult(
  meta: { service: string; operation: string; mutating: boolean },
  argv: string[],
  exit: { code: number | null; signal: NodeJS.Signals | null },
  flags: { timedOut: boolean; aborted: boolean; overflow: boolean },
  stdout: OutputCapture,
  stderr: OutputCapture,
  durationMs: number,
  spillDir: () => string | null,
  retentionMs: number,
): CliResult {
  const out = stdout.text();
  const err = stderr.text();
  const truncated = stdout.truncated || stderr.truncated;
  const release = async (): Promise<void> => {
    const dir = spillDir();
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  if (spillDir()) setTimeout(() => void release(), retentionMs).unref();
  const result = {
    ...meta,
    argv,
    exit_code: exit.code,
    signal: exit.signal,
    stdout: out,
    stderr: err,
    json: stdout.truncated ? null : parseCommandJson(out),
    duration_ms: Math.round(durationMs),
    truncated,
    output_bytes: stdout.bytes + stderr.bytes,
    timed_out: flags.timedOut,
    aborted: flags.aborted,
    output_limit_exceeded: flags.overflow,
    full_output_paths: truncated ? { stdout: stdout.path, stderr: stderr.path } : null,
  };
  // Methods are non-enumerable so the result serialises (NATS, HTTP) as plain data.
  Object.defineProperties(result, {
    fullOutput: {
      enumerable: false,
      value: async (): Promise<CliFullOutput> => ({
        stdout: stdout.path ? await readFile(stdout.path, 'utf8') : out,
        stderr: stderr.path ? await readFile(stderr.path, 'utf8') : err,
      }),
    },
    release: { enumerable: false, value: release },
  });
  return result as CliResult;
}


function validateOptions(o: CliExecutorOptions): void {
  if (!o || typeof o !== 'object') throw new TypeError('CliExecutor needs options { region, credentials }');
  if (typeof o.region !== 'string' || !REGION.test(o.region)) throw new TypeError(`CliExecutor: invalid region ${JSON.stringify(o.region)}`);
  const c = o.credentials;
  if (!c || typeof c.accessKeyId !== 'string' || !CREDENTIAL.test(c.accessKeyId)) throw new TypeError('CliExecutor: credentials.accessKeyId is missing or malformed');
  if (typeof c.secretAccessKey !== 'string' || !CREDENTIAL.test(c.secretAccessKey)) throw new TypeError('CliExecutor: credentials.secretAccessKey is missing or malformed');
  if (c.sessionToken !== undefined && (typeof c.sessionToken !== 'string' || !CREDENTIAL.test(c.sessionToken))) {
    throw new TypeError('CliExecutor: credentials.sessionToken is malformed');
  }
  if (o.endpointUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(o.endpointUrl);
    } catch {
      throw new TypeError(`CliExecutor: endpointUrl ${JSON.stringify(o.endpointUrl)} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('CliExecutor: endpointUrl must be http(s)');
  }
  for (const key of ['timeoutMs', 'killGraceMs', 'maxOutputBytes', 'maxSpillBytes', 'spillRetentionMs'] as const) {
    const v = o[key];
    if (v !== undefined && (!Number.isInteger(v) || v <= 0)) throw new TypeError(`CliExecutor: ${key} must be a positive integer`);
  }
}
