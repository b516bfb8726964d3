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
