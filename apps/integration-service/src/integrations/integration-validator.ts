import { AppException, IntegrationConfigDto } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { ConnectorRegistry } from '../connectors';

/** Whether a config can be served: its type's plugin and its auth provider check their own settings. */
@Injectable()
export class IntegrationValidator {
  constructor(private readonly registry: ConnectorRegistry) {}

  assertServable(config: IntegrationConfigDto): void {
    const errors = this.registry.validate({ type: config.type, direction: config.direction, auth: config.auth, connection: config.connection });
    if (errors.length) {
      throw new AppException('VALIDATION_FAILED', `The integration cannot be served as configured: ${errors.map((e) => `${e.field} (${e.message})`).join('; ')}`, { errors });
    }
  }
}
