import { APP_CONFIG, AppConfig } from '@app/config';
import { BackgroundLoop, RUNTIME_INFO, RuntimeInfo } from '@app/platform';
import { runAsNewWork } from '@app/observability';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PROBE_MARGIN_SECONDS, WRITE_MARGIN_SECONDS } from '../schedule/schedule.math';
import { ClaimedCheck, SCHEDULE_REPOSITORY, ScheduleRepository } from '../schedule/schedule.repository';
import { CheckRunner } from './check.runner';
import { ResultWriter } from './result-writer';

const CLAIM_BATCH = 500;

/**
 * Runs due checks. Every `health.poll_interval_ms` it claims rows of `health.schedule` due within the next two
 * polls with a lease (`FOR UPDATE SKIP LOCKED`) and starts each at its due time, at most
 * `health.max_concurrency` claimed or in flight per process, so that with several
 * replicas each due check runs once; a check's lease ends when its result is recorded, or expires (the probe's
 * timeout plus margins) if the replica died, and then another replica takes it.
 */
@Injectable()
export class CheckScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CheckScheduler.name);
  private readonly inFlight = new Set<Promise<void>>();
  /** Claimed checks waiting for their due time: timer and lease token. */
  private readonly waiting = new Map<NodeJS.Timeout, ClaimedCheck>();
  private timer?: NodeJS.Timeout;
  private heartbeatLoop?: BackgroundLoop;
  private stopped = false;
  private ticking?: Promise<void>;
  private readonly owner: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUNTIME_INFO) info: RuntimeInfo,
    @Inject(SCHEDULE_REPOSITORY) private readonly schedule: ScheduleRepository,
    private readonly runner: CheckRunner,
    private readonly writer: ResultWriter,
  ) {
    this.owner = info.instanceId.slice(0, 64);
    this.writer.setRunner(this.owner);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Alive before claiming anything: a lease of ours is taken over only once this heartbeat stops (we died).
    const ttl = this.config.health.instance_ttl_ms;
    await this.beat(ttl);
    this.heartbeatLoop = new BackgroundLoop({ name: 'health heartbeat', everyMs: Math.max(100, Math.floor(ttl / 3)), logger: this.logger }, () => this.beat(ttl)).start();
    this.scheduleTick(0);
  }

  private async beat(ttlMs: number): Promise<void> {
    await this.schedule.heartbeat(this.owner, ttlMs).catch((e) => this.logger.warn(`heartbeat failed: ${(e as Error).message}`));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking?.catch(() => undefined);
    // Claimed but not started: give the leases back so another replica runs them on time.
    const notStarted = [...this.waiting.entries()];
    this.waiting.clear();
    notStarted.forEach(([t]) => clearTimeout(t));
    await this.schedule.releaseLeases(notStarted.map(([, c]) => c.lease_token)).catch((e) => this.logger.warn(`releasing leases: ${(e as Error).message}`));
    // Checks in flight finish and are recorded (bounded by their timeouts and the shutdown grace).
    await Promise.all([...this.inFlight]);
    await this.writer.flush();
    await this.heartbeatLoop?.stop();
    await this.schedule.retire(this.owner).catch(() => undefined);
  }

  private scheduleTick(delayMs: number): void {
    if (this.stopped) return;
    // A health round: the checks it claims (started by timers from here) run and record under the round's id.
    this.timer = setTimeout(() => {
      this.ticking = runAsNewWork(() => this.tick()).finally(() => (this.ticking = undefined));
    }, delayMs);
  }

  /** One round: claim what is due (up to the free capacity) and start it. */
  async tick(): Promise<void> {
    let again = false;
    try {
      const free = this.config.health.max_concurrency - this.inFlight.size - this.waiting.size;
      if (free > 0) {
        const want = Math.min(free, CLAIM_BATCH);
        // Look two polls ahead: a check is claimed before its time and started by a timer at its time.
        const claims = await this.schedule.claimDue(want, this.owner, PROBE_MARGIN_SECONDS + WRITE_MARGIN_SECONDS, 2 * this.config.health.poll_interval_ms);
        for (const c of claims) this.startAtDue(c);
        again = claims.length === want; // more may be due right now
      }
    } catch (e) {
      this.logger.warn(`claiming due checks failed: ${(e as Error).message}`);
    }
    this.scheduleTick(again ? 0 : this.config.health.poll_interval_ms);
  }

  private startAtDue(claim: ClaimedCheck): void {
    const wait = claim.due_at.getTime() - Date.now();
    if (wait <= 0 || this.stopped) return this.start(claim);
    const t = setTimeout(() => {
      if (!this.waiting.delete(t)) return; // released at shutdown
      this.start(claim);
    }, wait);
    this.waiting.set(t, claim);
  }

  private start(claim: ClaimedCheck): void {
    const p = this.runner
      .run(claim)
      .then((c) => this.writer.submit(c))
      .catch((e) => this.logger.error(`check of ${claim.integration_id} failed: ${(e as Error).message}`))
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }
}
