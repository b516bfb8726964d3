import { Logger as NestLogger } from '@nestjs/common';
import type { Logger as TypeOrmLoggerPort } from 'typeorm';

/** A statement as one short line for a log: SQL text only (values travel as parameters and are never logged). */
function oneLine(query: string): string {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length > 500 ? `${flat.slice(0, 500)}…` : flat;
}

/**
 * TypeORM's log output through the project's logger (JSON lines, correlation id, censoring) instead of its console
 * loggers, which print `query failed: … -- PARAMETERS: [...]` and PostgreSQL's error with its DETAIL as plain text:
 * parameters and rows hold password hashes, sealed secrets and whatever a user typed. Parameters are never logged;
 * the error goes through the logger, which keeps database errors' row values out (see redactSecrets).
 */
export class TypeOrmLogger implements TypeOrmLoggerPort {
  private readonly logger = new NestLogger('Database');

  logQuery(query: string): void {
    this.logger.debug({ msg: 'query', query: oneLine(query) });
  }

  logQueryError(error: string | Error, query: string): void {
    this.logger.warn({ msg: 'query failed', query: oneLine(query), err: typeof error === 'string' ? new Error(error) : error });
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ msg: 'slow query', duration_ms: time, query: oneLine(query) });
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.debug(String(message));
  }
}
