import { join, resolve } from 'node:path';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AuthConfigDto, Direction } from '@app/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Connector, ConnectorContext, ConnectorLogger, ConnectorRegistry } from '../connectors';
import { IntegrationEntity } from './integration.entity';
import { IntegrationMapper } from './integration.mapper';

/** Builds connectors for stored integrations: secrets opened here, inside integration-service, and nowhere else. */
@Injectable()
export class ConnectorContextFactory {
  constructor(
    private readonly registry: ConnectorRegistry,
    private readonly mapper: IntegrationMapper,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get dataDir(): string {
    return resolve(this.config.integrations.data_dir ?? join(this.config.data.dir, 'integrations'));
  }

  context(row: IntegrationEntity, timeoutMs = row.timeout_seconds * 1000): ConnectorContext {
    const { auth, connection } = this.mapper.open(row);
    const logger = new Logger(`Connector:${row.type}:${row.id.slice(0, 8)}`);
    const log: ConnectorLogger = {
      debug: (m, meta) => logger.debug(meta ? { msg: m, ...meta } : m),
      info: (m, meta) => logger.log(meta ? { msg: m, ...meta } : m),
      warn: (m, meta) => logger.warn(meta ? { msg: m, ...meta } : m),
      error: (m, meta) => logger.error(meta ? { msg: m, ...meta } : m),
    };
    return {
      integrationId: row.id,
      name: row.name,
      type: row.type,
      direction: row.direction as Direction,
      connection,
      auth: auth as unknown as AuthConfigDto,
      timeoutMs,
      dataDir: this.dataDir,
      outbound: { allow: this.config.integrations.allow_outbound },
      logger: log,
    };
  }

  create(row: IntegrationEntity, timeoutMs?: number): Connector {
    return this.registry.createConnector(this.context(row, timeoutMs));
  }
}
