import { APP_CONFIG, AppConfig } from '@app/config';
import { CliCredentials, CliExecutor, CliResult, CommandPolicy, CliRole } from '@app/cli-executor';
import { CommandCountsDto, CommandStatus, CommandTargetStatus, domainEvent, EventSubjects, FLEET_COMMAND_LIMITS } from '@app/contracts';
import { BackgroundLoop, RUNTIME_INFO, RuntimeInfo, settleWithin, shutdownWaitMs } from '@app/platform';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AccountCredentials } from '../../inventory';
import type { CommandJobEntity } from '../fleet-command.entity';
import { FLEET_COMMANDS_REPOSITORY, FleetCommandsRepository, StatusCounts, TargetCompletion } from '../fleet-commands.repository';
import { AccountSlots } from './account-slots';
import type { ExpandedTarget } from './expand-targets';
import { headBytes, lastLine, readHead, storable } from './output-text';
import { allowedErrors, ScheduledTarget, StopReason, TargetOutcome, TargetScheduler } from './target.scheduler';

export const COMMAND_POLICY = Symbol('COMMAND_POLICY');
export const ACCOUNT_SLOTS = Symbol('ACCOUNT_SLOTS');

const INTERRUPTED = 'interrupted: fleet-service stopped while the command ran';
const HEARTBEAT_MS = 2_000;
const STALE_SECONDS = 30;
/** Share of the shutdown grace spent waiting for aborted targets to record their outcome (8 s of the default 10 s). */
const SHUTDOWN_SHARE = 0.8;
/** In-memory head of each stream; the rest (up to the stored bound) is read back from the executor's spill file. */
const IN_MEMORY_OUTPUT_BYTES = 1_048_576;
/**
 * `<service> help` is documentation, the same text in every target (31 KB for `ec2 help`): kept up to this much, cut
 * like any output past its bound (`output_truncated`), rather than stored whole per target.
 */
const HELP_OUTPUT_MAX_BYTES = 16 * 1024;

interface ActiveJob {
  job: CommandJobEntity;
  scheduler: TargetScheduler;
  done: Promise<void>;
  /** Result writes still in flight. */
  writes: Set<Promise<unknown>>;
}

export function countsOf(c: StatusCounts, total: number): CommandCountsDto {
  return {
    total,
    pending: c.PENDING ?? 0,
    in_progress: c.IN_PROGRESS ?? 0,
    success: c.SUCCESS ?? 0,
    failed: c.FAILED ?? 0,
    timed_out: c.TIMED_OUT ?? 0,
    cancelled: c.CANCELLED ?? 0,
    skipped: c.SKIPPED ?? 0,
  };
}

/**
 * Runs accepted fleet commands in the background of this process: a TargetScheduler per command (bounded
 * concurrency, a per-account cap shared by all commands, max_errors), each target through CliExecutor with
 * the account's temporary credentials passed explicitly. Commands live as long as the process: on start,
 * commands whose runner is gone are ended FAILED "interrupted" (see docs/fleet-commands.md).
 */
@Injectable()
export class CommandRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CommandRunner.name);
  private readonly active = new Map<string, ActiveJob>();
  private readonly heartbeatLoop = new BackgroundLoop({ name: 'command heartbeat', everyMs: HEARTBEAT_MS, logger: this.logger }, () => this.heartbeat());
  private readonly sweepLoop = new BackgroundLoop({ name: 'interrupted-command sweep', everyMs: STALE_SECONDS * 1000, logger: this.logger }, () => this.sweep(STALE_SECONDS));

  constructor(
    @Inject(FLEET_COMMANDS_REPOSITORY) private readonly repo: FleetCommandsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(COMMAND_POLICY) private readonly policy: CommandPolicy,
    @Inject(ACCOUNT_SLOTS) private readonly slots: AccountSlots,
    @Inject(RUNTIME_INFO) private readonly info: RuntimeInfo,
    private readonly credentials: AccountCredentials,
  ) {}

  get instanceId(): string {
    return this.info.instanceId;
  }

  async onApplicationBootstrap(): Promise<void> {
    // The only fleet-service there is: every running command is an orphan of a previous run.
    await this.sweep(this.info.singleInstance ? undefined : STALE_SECONDS).catch((e) => this.logger.error(`could not end interrupted commands: ${(e as Error).message}`));
    this.heartbeatLoop.start();
    this.sweepLoop.start();
  }

  /** Before the database closes: abort running targets and record them as interrupted. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.heartbeatLoop.stop(), this.sweepLoop.stop()]);
    const running = [...this.active.values()];
    for (const a of running) a.scheduler.stop('shutdown');
    await settleWithin(running.map((a) => a.done), shutdownWaitMs(this.config.server.shutdown_grace_ms, SHUTDOWN_SHARE));
  }

  isRunning(jobId: string): boolean {
    return this.active.has(jobId);
  }

  /** Stops starting targets and aborts the running ones; false when this instance does not run the command. */
  cancel(jobId: string): boolean {
    const a = this.active.get(jobId);
    if (!a) return false;
    a.scheduler.stop('cancel');
    return true;
  }

  /** Resolves when the command has ended (for tests and the benchmark). */
  whenDone(jobId: string): Promise<void> {
    return this.active.get(jobId)?.done ?? Promise.resolve();
  }

  /** Starts the command in the background; its targets are already stored as PENDING. */
  start(job: CommandJobEntity, targets: ExpandedTarget[]): void {
    const byseq = new Map(targets.map((t) => [t.seq, t]));
    const scheduler = new TargetScheduler({
      targets: targets.map((t): ScheduledTarget => ({ seq: t.seq, account_id: t.account.account_id, region: t.region })),
      maxConcurrency: job.max_concurrency,
      allowedErrors: allowedErrors(job.max_errors, targets.length),
      slots: this.slots,
      run: (t, signal) => this.runTarget(job, byseq.get(t.seq)!, signal),
    });
    const writes = new Set<Promise<unknown>>();
    const done = scheduler
      .start()
      .then(async (summary) => {
        while (writes.size) await Promise.all([...writes]);
        await this.finish(job, summary.stoppedBy, summary.notStarted.length, summary.errors);
      })
      .catch((e) => this.logger.error(`command ${job.id} did not finish cleanly: ${(e as Error).message}`))
      .finally(() => this.active.delete(job.id));
    this.active.set(job.id, { job, scheduler, done, writes });
  }

  private trackWrite(jobId: string, write: Promise<unknown>): void {
    const writes = this.active.get(jobId)?.writes;
    if (!writes) return;
    writes.add(write);
    void write.finally(() => writes.delete(write));
  }

  private async runTarget(job: CommandJobEntity, target: ExpandedTarget, signal: AbortSignal): Promise<TargetOutcome> {
    const { account, region } = target;
    let completion: TargetCompletion;
    // The database writes of a target run beside its CLI and after it, not in front of the next target: the
    // IN_PROGRESS mark is not awaited before the spawn, and the result is stored while the slot already serves the
    // next target. The command finishes only after every write (see finish), so results are complete by then.
    const marked = this.repo.markStarted(job.id, target.seq, new Date()).catch((e: Error) => this.logger.error(`command ${job.id}: could not mark ${account.account_id}/${region} started: ${e.message}`));
    try {
      completion = await this.execute(job, target, signal);
    } catch (e) {
      // Our own failure (database, spawn): the target fails, the message is ours, never a credential.
      this.logger.error(`command ${job.id} target ${account.account_id}/${region}: ${(e as Error).message}`);
      completion = this.ended(CommandTargetStatus.Failed, `internal error: ${headBytes((e as Error).message, 500).text}`);
    }
    const completed = domainEvent(
      EventSubjects.FleetCommandTargetCompleted,
      { id: job.id, account_id: account.account_id, region, status: completion.status, exit_code: completion.exit_code, duration_ms: completion.duration_ms },
      job.id,
    );
    const stored = marked
      .then(() => this.repo.completeTarget(job.id, target.seq, completion, [completed]))
      .catch((e: Error) => this.logger.error(`command ${job.id}: could not store the result of ${account.account_id}/${region}: ${e.message}`));
    this.trackWrite(job.id, stored);
    return completion.status === CommandTargetStatus.Failed || completion.status === CommandTargetStatus.TimedOut
      ? completion.status === CommandTargetStatus.Failed
        ? 'FAILED'
        : 'TIMED_OUT'
      : completion.status === CommandTargetStatus.Success
        ? 'SUCCESS'
        : 'CANCELLED';
  }

  private async execute(job: CommandJobEntity, target: ExpandedTarget, signal: AbortSignal): Promise<TargetCompletion> {
    const { account, region } = target;
    const timeoutMs = job.timeout_seconds * 1000;
    let credentials: CliCredentials;
    try {
      const identity = await untilAborted(
        this.credentials.forAccount({ account_id: account.account_id, role_arn: account.role_arn, external_id: account.external_id }, region)(),
        signal,
        timeoutMs,
      );
      credentials = { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey, ...(identity.sessionToken ? { sessionToken: identity.sessionToken } : {}) };
    } catch (e) {
      if (signal.aborted) return this.aborted(signal);
      const why = e instanceof TimeoutError ? `timed out after ${job.timeout_seconds}s` : headBytes((e as Error).message || (e as Error).name, 1000).text;
      return this.ended(e instanceof TimeoutError ? CommandTargetStatus.TimedOut : CommandTargetStatus.Failed, `could not get credentials for account ${account.account_id}: ${why}`);
    }
    if (signal.aborted) return this.aborted(signal);

    const stored = this.config.fleet.command_output_max_bytes;
    const inMemory = Math.min(IN_MEMORY_OUTPUT_BYTES, stored);
    const executor = new CliExecutor({
      region,
      credentials,
      endpointUrl: this.config.aws.endpoint_url,
      timeoutMs,
      killGraceMs: 2000,
      maxOutputBytes: inMemory,
      // Past what we keep, the CLI is stopped: nothing beyond the stored bound would ever be shown.
      maxSpillBytes: stored + 1,
      awsBinary: this.config.fleet.aws_binary,
      policy: this.policy,
    });
    const result = await executor.run(job.command, { signal, access: { role: job.requested_by_role as CliRole, allowMutations: job.allow_mutations } });
    try {
      return await this.completion(job, result, signal, stored);
    } finally {
      await result.release();
    }
  }

  private async completion(job: CommandJobEntity, result: CliResult, signal: AbortSignal, bound: number): Promise<TargetCompletion> {
    const stored = result.operation === 'help' ? Math.min(bound, HELP_OUTPUT_MAX_BYTES) : bound;
    let stdout = headBytes(result.stdout, stored);
    let stderr = { text: result.stderr, truncated: false };
    if (result.full_output_paths?.stdout) stdout = await readHead(result.full_output_paths.stdout, stored);
    if (result.full_output_paths?.stderr) stderr = await readHead(result.full_output_paths.stderr, stored);
    stdout = { text: storable(stdout.text), truncated: stdout.truncated || result.output_limit_exceeded };
    stderr = { text: storable(stderr.text), truncated: stderr.truncated };
    const stdoutPreview = headBytes(stdout.text, FLEET_COMMAND_LIMITS.previewBytes);
    const stderrPreview = headBytes(stderr.text, FLEET_COMMAND_LIMITS.previewBytes);

    let status: CommandTargetStatus;
    let error: string | null = null;
    if (result.aborted) {
      const reason = signal.reason as StopReason | undefined;
      status = reason === 'shutdown' ? CommandTargetStatus.Failed : CommandTargetStatus.Cancelled;
      error = reason === 'shutdown' ? INTERRUPTED : 'cancelled while running';
    } else if (result.timed_out) {
      status = CommandTargetStatus.TimedOut;
      error = `timed out after ${job.timeout_seconds}s`;
    } else if (result.output_limit_exceeded) {
      status = CommandTargetStatus.Failed;
      error = `output passed ${bound} bytes; the CLI was stopped (fleet.command_output_max_bytes)`;
    } else if (result.exit_code === 0) {
      status = CommandTargetStatus.Success;
    } else {
      status = CommandTargetStatus.Failed;
      error = lastLine(stderr.text) ?? `the AWS CLI exited with ${result.exit_code ?? result.signal ?? 'no code'}`;
    }
    return {
      status,
      exit_code: result.exit_code,
      duration_ms: result.duration_ms,
      error,
      stdout_preview: stdoutPreview.text,
      stderr_preview: stderrPreview.text,
      preview_truncated: stdoutPreview.truncated || stderrPreview.truncated,
      output_bytes: result.output_bytes,
      finished_at: new Date(),
      output: { stdout: stdout.text, stderr: stderr.text, truncated: stdout.truncated || stderr.truncated },
    };
  }

  private aborted(signal: AbortSignal): TargetCompletion {
    return (signal.reason as StopReason | undefined) === 'shutdown' ? this.ended(CommandTargetStatus.Failed, INTERRUPTED) : this.ended(CommandTargetStatus.Cancelled, 'cancelled before the CLI started');
  }

  private ended(status: CommandTargetStatus, error: string): TargetCompletion {
    return { status, exit_code: null, duration_ms: null, error, stdout_preview: '', stderr_preview: '', preview_truncated: false, output_bytes: 0, finished_at: new Date(), output: null };
  }

  private async finish(job: CommandJobEntity, stoppedBy: StopReason | null, notStarted: number, errors: number): Promise<void> {
    if (notStarted) {
      if (stoppedBy === 'cancel') await this.repo.endTargets(job.id, [CommandTargetStatus.Pending], CommandTargetStatus.Cancelled, 'cancelled before it started');
      else if (stoppedBy === 'shutdown') await this.repo.endTargets(job.id, [CommandTargetStatus.Pending], CommandTargetStatus.Failed, INTERRUPTED);
      else await this.repo.endTargets(job.id, [CommandTargetStatus.Pending], CommandTargetStatus.Skipped, `not started: more than ${job.max_errors} targets failed (max_errors)`);
    }
    const counts = countsOf((await this.repo.counts([job.id])).get(job.id) ?? {}, job.targets_total);
    let status: CommandStatus;
    let reason: string | null = null;
    if (stoppedBy === 'cancel') {
      status = CommandStatus.Cancelled;
      reason = 'cancelled';
    } else if (stoppedBy === 'shutdown') {
      status = CommandStatus.Failed;
      reason = INTERRUPTED;
    } else if (counts.success === counts.total) {
      status = CommandStatus.Success;
    } else {
      status = CommandStatus.Failed;
      reason =
        stoppedBy === 'max_errors'
          ? `max_errors (${job.max_errors}) exceeded: ${errors} targets failed or timed out, ${counts.skipped} skipped`
          : `${counts.failed + counts.timed_out + counts.cancelled} of ${counts.total} targets did not succeed`;
    }
    await this.repo.finishJob(job.id, status, reason, [
      domainEvent(EventSubjects.FleetCommandCompleted, { id: job.id, status, status_reason: reason, counts, finished_at: new Date().toISOString() }, job.id),
    ]);
    this.logger.log(`command ${job.id} (${job.service} ${job.operation}) by ${job.requested_by_name}: ${status} ${JSON.stringify(counts)}`);
  }

  private async heartbeat(): Promise<void> {
    if (!this.active.size) return;
    try {
      const cancelled = await this.repo.heartbeat([...this.active.keys()]);
      // A cancel may arrive at another replica; it is stored on the job and picked up here.
      for (const id of cancelled) this.cancel(id);
    } catch (e) {
      this.logger.warn(`heartbeat failed: ${(e as Error).message}`);
    }
  }

  /** Ends commands whose runner is gone (process restarted or killed): unfinished targets FAILED "interrupted". */
  private async sweep(staleSeconds?: number): Promise<void> {
    for (const job of await this.repo.runningJobs(staleSeconds)) {
      if (this.active.has(job.id)) continue;
      await this.repo.endTargets(job.id, [CommandTargetStatus.Pending, CommandTargetStatus.InProgress], CommandTargetStatus.Failed, INTERRUPTED);
      await this.repo.finishJob(job.id, job.cancel_requested_at ? CommandStatus.Cancelled : CommandStatus.Failed, INTERRUPTED, []);
      this.logger.warn(`command ${job.id} was interrupted (its runner ${job.owner_instance} is gone)`);
    }
  }
}

class TimeoutError extends Error {}

/** Waits for `p`, but gives up when `signal` aborts or after `ms` (credential resolution must not outlive the target's timeout). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError('timed out')), ms);
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    });
  });
}
