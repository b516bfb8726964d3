import { APP_CONFIG, AppConfig } from '@app/config';
import { AppException } from '@app/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { RateLimiter } from './rate-limiter';

/** Per-identity and per-address request rates (in memory, per gateway instance). */
@Injectable()
export class RequestLimits {
  private readonly perIdentity: RateLimiter;
  private readonly perAddress: RateLimiter;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.perIdentity = new RateLimiter(config.auth.rate_limit_per_minute);
    this.perAddress = new RateLimiter(config.auth.rate_limit_per_address_per_minute);
  }

  takeForIdentity(key: string): void {
    const r = this.perIdentity.take(key);
    if (!r.allowed) throw new AppException('RATE_LIMITED', `Rate limit for this identity exceeded: retry in ${r.retryAfterSeconds} s`, { retryAfterSeconds: r.retryAfterSeconds });
  }

  /** Undefined when allowed, else the exception to send. */
  checkAddress(address: string): AppException | undefined {
    const r = this.perAddress.take(address);
    return r.allowed ? undefined : new AppException('RATE_LIMITED', `Rate limit for this client address exceeded: retry in ${r.retryAfterSeconds} s`, { retryAfterSeconds: r.retryAfterSeconds });
  }
}
