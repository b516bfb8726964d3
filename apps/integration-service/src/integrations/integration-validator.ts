import { APP_CONFIG, AppConfig } from '@app/config';
import { AppException, Direction, IntegrationConfigDto } from '@app/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { ConnectorRegistry, staticOutboundErrors } from '../connectors';

/**
 * Whether a config can be served: its type's plugin and its auth provider check their own settings, and URLs or
 * hosts given as literal addresses of internal ranges (metadata, link-local, private, loopback) are refused now
 * rather than at the first call (host names are checked by the guard when connecting).
 */
@Injectable()
export class IntegrationValidator {
  constructor(
    private readonly registry: ConnectorRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  assertServable(config: IntegrationConfigDto): void {
    const errors = this.registry.validate({ type: config.type, direction: config.direction, auth: config.auth, connection: config.connection });
    const taken = new Set(errors.map((e) => e.field));
    for (const e of staticOutboundErrors(config, { allow: this.config.integrations.allow_outbound })) if (!taken.has(e.field)) errors.push(e);
    if (config.subscriptions?.length && config.direction === Direction.INBOUND) {
      errors.push({ field: 'subscriptions', message: 'only OUTBOUND and BIDIRECTIONAL integrations can subscribe to events' });
    }
    if (errors.length) {
      throw new AppException('VALIDATION_FAILED', `The integration cannot be served as configured: ${errors.map((e) => `${e.field} (${e.message})`).join('; ')}`, { errors });
    }
  }
}
