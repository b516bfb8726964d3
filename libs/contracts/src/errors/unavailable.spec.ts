import { createServer } from 'node:net';
import { Client } from 'pg';
import { AppException } from './app.exception';
import { unavailability, unavailableException } from './unavailable';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('unavailability (a dependency that is down)', () => {
  it("recognises node-postgres's own failure to connect", async () => {
    const client = new Client({ connectionString: `postgres://postgres@127.0.0.1:${await closedPort()}/x`, connectionTimeoutMillis: 2000 });
    const error = await client.connect().then(
      () => null,
      (e: unknown) => e,
    );
    expect(unavailability(error)).toEqual({ database: false, reason: 'ECONNREFUSED' });
    const e = unavailableException(error)!;
    expect(e).toBeInstanceOf(AppException);
    expect(e).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, retryAfterSeconds: 5 });
    // never the address
    expect(e.message).not.toContain('127.0.0.1');
  });

  it.each([
    ['a server shutting down (SQLSTATE 57P01)', { name: 'QueryFailedError', code: '57P01', message: 'terminating connection due to administrator command', driverError: {} }, 'terminating connection due to administrator command'],
    ['a server starting up (57P03)', { code: '57P03', message: 'the database system is starting up' }, 'the database system is starting up'],
    ['a connection exception (class 08)', { code: '08006', message: 'connection failure' }, 'connection failure'],
    ['too many connections', { code: '53300', message: 'sorry, too many clients already' }, 'sorry, too many clients already'],
    ['a pooled connection that died', { name: 'QueryFailedError', message: 'Connection terminated unexpectedly', driverError: new Error('Connection terminated unexpectedly') }, 'Connection terminated unexpectedly'],
    ['a pool that cannot connect in time', new Error('timeout exceeded when trying to connect'), 'timeout exceeded when trying to connect'],
  ])('recognises %s as the database', (_what, error, reason) => {
    expect(unavailability(error)).toEqual({ database: true, reason });
    expect(unavailableException(error)!.message).toContain('its database is unavailable');
  });

  it('looks inside wrappers: TypeORM driverError, cause, AggregateError', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
    expect(unavailability({ name: 'QueryFailedError', message: 'x', driverError: refused })).toEqual({ database: true, reason: 'ECONNREFUSED' });
    expect(unavailability(new Error('wrapped', { cause: refused }))).toEqual({ database: false, reason: 'ECONNREFUSED' });
    expect(unavailability(new AggregateError([refused], 'all failed'))).toEqual({ database: false, reason: 'ECONNREFUSED' });
  });

  it('leaves bugs, bad input and our own exceptions alone', () => {
    expect(unavailability(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBeUndefined();
    expect(unavailability({ name: 'QueryFailedError', code: '23505', message: 'duplicate key value violates unique constraint', driverError: {} })).toBeUndefined();
    expect(unavailability({ code: '42P01', message: 'relation "x" does not exist' })).toBeUndefined();
    expect(unavailability(new AppException('SERVICE_UNAVAILABLE', 'no responder'))).toBeUndefined();
    expect(unavailability('ECONNREFUSED')).toBeUndefined();
    expect(unavailability(null)).toBeUndefined();
    // cycles end
    const a: Record<string, unknown> = { message: 'a' };
    a.cause = a;
    expect(unavailability(a)).toBeUndefined();
  });
});
