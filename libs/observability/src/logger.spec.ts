import { Writable } from 'node:stream';
import { createPino, REDACTED, redactSecrets } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const log = createPino({ level: 'info', format: 'json', service: 'spec', destination });
  return { log, lines };
}

describe('log redaction', () => {
  it('censors secret keys at any depth, in arrays and in any case, and keeps everything else', () => {
    const { log, lines } = capture();
    log.info(
      {
        password: 'p1',
        auth: { type: 'BASIC', Password: 'p2', nested: { deeper: { deepest: { client_secret: 'p3', keep: 1 } } } },
        headers: [{ Authorization: 'Bearer p4' }, { 'x-api-key': 'p5', accept: 'json' }],
        method: 'GET',
      },
      'hello',
    );
    const line = JSON.stringify(lines[0]);
    for (const secret of ['p1', 'p2', 'p3', 'p4', 'p5']) expect(line).not.toContain(`"${secret}"`);
    expect(lines[0]).toMatchObject({
      msg: 'hello',
      method: 'GET',
      password: REDACTED,
      auth: { type: 'BASIC', Password: REDACTED, nested: { deeper: { deepest: { client_secret: REDACTED, keep: 1 } } } },
      headers: [{ Authorization: REDACTED }, { 'x-api-key': REDACTED, accept: 'json' }],
    });
  });

  it('censors the credential shapes integrations keep secret: camelCase keys, credential headers, URL passwords in fields and messages', () => {
    const { log, lines } = capture();
    log.warn(
      { connection: { apiKey: 'c1', clientSecret: 'c2', accessToken: 'c3', headers: { 'Proxy-Authorization': 'c4', Cookie: 'c5' }, url: 'https://u:c6@h.example.com/x' }, error: 'connect to nats://n:c7@10.0.0.1:4222 failed' },
      'calling postgres://db:c8@db.example.com/app',
    );
    const line = JSON.stringify(lines[0]);
    for (const secret of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8']) expect({ secret, leaked: line.includes(secret) }).toEqual({ secret, leaked: false });
    expect(lines[0]).toMatchObject({ msg: `calling postgres://db:${REDACTED}@db.example.com/app`, connection: { url: `https://u:${REDACTED}@h.example.com/x` } });
  });

  it('censors the enumerable properties of a logged error', () => {
    const { log, lines } = capture();
    const err = Object.assign(new Error('boom'), { request: { headers: { authorization: 'AWS4 secret-sig' } } });
    log.error({ err }, 'failed');
    expect(JSON.stringify(lines[0])).not.toContain('secret-sig');
    expect(lines[0]).toMatchObject({ err: { type: 'Error', message: 'boom', request: { headers: { authorization: REDACTED } } } });
  });

  it('returns the very object when there is nothing to censor (no copy per log line)', () => {
    const obj = { method: 'GET', route: '/api/v1/integrations/:id', status: 200, nested: { a: [1, 2, { b: 'c' }] } };
    expect(redactSecrets(obj)).toBe(obj);
  });

  it('does not modify the caller\'s object', () => {
    const obj = { connection: { url: 'https://x', token: 't' } };
    const out = redactSecrets(obj) as typeof obj;
    expect(out.connection.token).toBe(REDACTED);
    expect(obj.connection.token).toBe('t');
  });

  it('ends cycles and very deep objects instead of recursing forever', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    const { log, lines } = capture();
    log.info({ a }, 'cyclic');
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines[0])).toContain('[Object]');
  });
});

describe('database errors in logs', () => {
  /** What pg throws (a DatabaseError) and TypeORM wraps (a QueryFailedError), with a row's values inside. */
  function queryFailed(message: string, detail: string) {
    const driverError = Object.assign(new Error(message), { name: 'error', severity: 'ERROR', code: '23505', detail, constraint: 'users_username_key', routine: '_bt_check_unique' });
    return Object.assign(new Error(message), { name: 'QueryFailedError', query: 'INSERT INTO "users" VALUES ($1, $2)', parameters: ['alice-CANARY', '$argon2id$v=19$CANARY'], driverError, detail, code: '23505' });
  }

  it('keeps the code, the constraint and the statement but not the parameters or the row', () => {
    const { log, lines } = capture();
    log.error({ err: queryFailed('duplicate key value violates unique constraint "users_username_key"', 'Key (lower(username))=(alice-canary) already exists.') }, 'failed');
    log.warn({ err: queryFailed('null value in column "role" violates not-null constraint', 'Failing row contains (alice-CANARY, $argon2id$v=19$CANARY, null).') }, 'failed');
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/canary/i);
    expect(lines[0]).toMatchObject({ err: { code: '23505', query: 'INSERT INTO "users" VALUES ($1, $2)', message: 'duplicate key value violates unique constraint "users_username_key"', driverError: { constraint: 'users_username_key' } } });
  });

  it('scrubs the input PostgreSQL quotes in its messages, in errors, fields and message strings', () => {
    const { log, lines } = capture();
    const err = Object.assign(new Error('invalid input syntax for type uuid: "not-a-uuid-CANARY"'), { code: '22P02', severity: 'ERROR', routine: 'string_to_uuid' });
    log.error({ err, error: 'invalid input value for enum role: "CANARY"' }, 'rpc failed: invalid byte sequence for encoding "UTF8": 0x00 CANARY');
    log.info('value "9999999999CANARY" is out of range for type integer');
    expect(JSON.stringify(lines)).not.toContain('CANARY');
    expect(lines[0].msg).toBe('rpc failed: invalid byte sequence for encoding "UTF8": [VALUE]');
    expect((lines[0].err as { message: string }).message).toBe('invalid input syntax for type uuid: [VALUE]');
  });
});
