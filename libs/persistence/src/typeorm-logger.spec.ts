import { Writable } from 'node:stream';
import { AppLogger, createPino } from '@app/observability';
import { createTestDatabase, ensureInfrastructure } from '@app/testing';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { openServiceDataSource } from './data-source.factory';

/**
 * Every service opens its database through openServiceDataSource: a failing statement there, against a real
 * PostgreSQL, must reach the log as one censored JSON line, never as TypeORM's console text with the parameters.
 */
describe('failed statements in the log', () => {
  let db: { url: string; drop(): Promise<void> };
  let ds: DataSource;
  const lines: string[] = [];
  const stray: string[] = [];
  const writes: Array<jest.SpyInstance> = [];

  beforeAll(async () => {
    await ensureInfrastructure();
    db = await createTestDatabase('mcp_logger_spec');
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    Logger.overrideLogger(new AppLogger(createPino({ level: 'debug', format: 'json', service: 'spec', destination })));
    // anything written around the project's logger (TypeORM's console loggers) is a leak
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      writes.push(
        jest.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
          stray.push(String(chunk));
          return (original as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
        }) as typeof stream.write),
      );
    }
    for (const method of ['log', 'error', 'warn', 'info'] as const) writes.push(jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void stray.push(args.map(String).join(' '))));
    ds = await openServiceDataSource({ url: db.url, schema: 'spec', entities: [], migrations: [], migrationsRun: false, poolSize: 2, ssl: false, applicationName: 'logger-spec' });
    await ds.query(`CREATE TABLE "spec"."people" ("name" text NOT NULL, "secret" text NOT NULL, "role" text NOT NULL)`);
    await ds.query(`CREATE UNIQUE INDEX "people_name_key" ON "spec"."people" (lower("name"))`);
  }, 60000);

  afterAll(async () => {
    for (const w of writes) w.mockRestore();
    Logger.overrideLogger(false);
    await ds?.destroy();
    await db?.drop();
  });

  it('logs unique, not-null and input errors without parameters or row values', async () => {
    const logger = new Logger('Handler');
    const failing = [
      () => ds.query(`INSERT INTO "spec"."people" VALUES ($1, $2, $3)`, ['alice-CANARY', 'hash-CANARY', 'admin']).then(() => ds.query(`INSERT INTO "spec"."people" VALUES ($1, $2, $3)`, ['ALICE-CANARY', 'hash-CANARY', 'admin'])),
      () => ds.query(`INSERT INTO "spec"."people" VALUES ($1, $2, $3)`, ['bob-CANARY', 'hash-CANARY', null]),
      () => ds.query(`SELECT $1::uuid`, ['not-a-uuid-CANARY']),
    ];
    for (const run of failing) {
      const e = await run().then(() => null, (err: Error) => err);
      expect(e).toBeInstanceOf(Error);
      // what a handler does with an unexpected error (libs/messaging's handler runner, the problem filter)
      logger.error({ msg: 'failed with an unexpected error', err: e });
      logger.warn(`failed: ${e!.message}`);
    }
    const text = lines.join('');
    expect(text).toContain('query failed');
    expect(text).toContain('duplicate key value violates unique constraint');
    expect(text).toContain('violates not-null constraint');
    expect(text.toLowerCase()).not.toContain('canary');
    expect(text).not.toMatch(/Failing row contains|Key \(lower/);
    expect(stray.join('').toLowerCase()).not.toContain('canary');
    expect(stray.join('')).not.toContain('PARAMETERS');
  });
});
