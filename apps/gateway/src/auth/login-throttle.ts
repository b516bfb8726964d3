import { APP_CONFIG, AppConfig } from '@app/config';
import { AppException } from '@app/contracts';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AttemptKey } from './login-attempts';
import { LoginAttemptsRepository } from './login-attempts.repository';

const PRUNE_EVERY_MS = 10 * 60_000;

export const loginLocked = (seconds: number) => new AppException('AUTH_LOCKED', `Too many failed logins: try again in ${seconds} s`, { retryAfterSeconds: seconds });

/**
 * The login lockout, per username (case-insensitive) and per client address, counted in PostgreSQL so that every
 * replica sees the same counts and parallel requests cannot outrun them: a login takes a slot before its password
 * is checked (`begin`), and gives it back only if the password was right (`succeed`). Failures slow the answer
 * down (200 ms per failure so far, up to 2 s); a key whose slots are all failures is locked for `lockout`.
 */
@Injectable()
export class LoginThrottle implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Auth');
  private pruner?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: LoginAttemptsRepository,
  ) {}

  onModuleInit(): void {
    this.pruner = setInterval(() => {
      this.repo.prune(this.config.auth.login_failure_window_seconds).catch((e: Error) => this.logger.warn(`could not prune login attempts: ${e.message}`));
    }, PRUNE_EVERY_MS);
    this.pruner.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.pruner);
  }

  private keys(username: string, address: string): AttemptKey[] {
    const max = this.config.auth.login_max_failures;
    return [
      { key: `u:${username.toLowerCase()}`, max },
      { key: `a:${address}`, max: max * 4 }, // several usernames from one place (password spraying)
    ];
  }

  /** Takes a slot for one password check, or refuses with 429 AUTH_LOCKED. */
  async begin(username: string, address: string): Promise<void> {
    const r = await this.repo.reserve(this.keys(username, address), { windowMs: this.config.auth.login_failure_window_seconds * 1000 });
    if (!r.allowed) throw loginLocked(r.retryAfterSeconds);
  }

  /** The password was wrong: how long to hold the answer back, and the lock it caused (seconds, or 0). */
  async fail(username: string, address: string): Promise<{ delayMs: number; lockedForSeconds: number }> {
    const { attempts, lockedForSeconds } = await this.repo.failed(this.keys(username, address), this.config.auth.login_lockout_seconds);
    return { delayMs: Math.min(2000, 200 * attempts), lockedForSeconds };
  }

  async succeed(username: string, address: string): Promise<void> {
    await this.repo.succeeded(this.keys(username, address));
  }
}
