import { ConfigModule } from '@app/config';
import { MESSAGE_BUS, MessageBus, MessagingModule } from '@app/messaging';
import { openServiceDataSource, OutboxModule } from '@app/persistence';
import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, MixedList } from 'typeorm';
import { PlatformModule } from '../health/platform.module';
import { READINESS_CHECKS, ReadinessCheck } from '../health/readiness';
import { AppRuntime } from './runtime';

export interface ServiceInfrastructureOptions {
  app: string;
  /** The service's own PostgreSQL schema. */
  schema: string;
  entities: MixedList<Function>;
  migrations: MixedList<Function>;
  /** The schema has an `outbox` table (see @app/persistence): provide `Outbox` and run its relay. */
  outbox?: boolean;
}

/**
 * What every back-end service imports: config, messaging, CQRS, its own schema with migrations, and
 * health/metrics/ping with readiness on database + messaging. The gateway takes the same minus the database.
 */
@Module({})
export class ServiceInfrastructureModule {
  static forRoot(runtime: AppRuntime, opts: ServiceInfrastructureOptions): DynamicModule {
    const { config } = runtime;
    const embedded = runtime.mode === 'standalone' && !config.database.url;
    return {
      module: ServiceInfrastructureModule,
      global: true,
      imports: [
        ConfigModule.forRoot(config),
        MessagingModule.forRoot({ bus: runtime.bus, app: opts.app }),
        CqrsModule.forRoot(),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({}),
          dataSourceFactory: () =>
            openServiceDataSource({
              url: runtime.databaseUrl,
              schema: opts.schema,
              entities: opts.entities,
              migrations: opts.migrations,
              migrationsRun: config.database.migrations_run,
              // PGlite is one session behind a queue: a big pool only adds waiting.
              poolSize: embedded ? 2 : config.database.pool_size,
              sharedSession: embedded,
              ssl: config.database.ssl,
              applicationName: opts.app,
            }),
        }),
        ...(opts.outbox ? [OutboxModule.forSchema(opts.schema)] : []),
        PlatformModule.forRoot({
          info: runtime.info(opts.app),
          checks: {
            provide: READINESS_CHECKS,
            inject: [getDataSourceToken(), MESSAGE_BUS],
            useFactory: (ds: DataSource, bus: MessageBus): ReadinessCheck[] => [
              { name: 'database', check: async () => void (await ds.query('SELECT 1')) },
              { name: 'messaging', check: () => bus.ping() },
            ],
          },
        }),
      ],
      exports: [ConfigModule, MessagingModule, CqrsModule, TypeOrmModule, PlatformModule],
    };
  }
}
