import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, Server } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import { Client } from 'pg';
import { AuthType, Direction } from '@app/contracts';
import { freePort, waitFor } from '../../../../../../test/support/ports';
import { testContext, testMessage } from '../../../../../../test/support/connector-context';
import { InboundMessage } from '../../connector.port';
import { makeTestPki, TestPki } from '../../../../../../test/support/connectors/test-pki';
import { rebindingDns } from '../../../../../../test/support/connectors/rebinding-dns';
import { PostgresConnector, postgresPlugin } from './postgres.connector';

const PG = { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' };

/**
 * The local server has no TLS: this answers PostgreSQL's SSLRequest with 'S', terminates TLS with the test PKI
 * (a certificate for mtls.test and 127.0.0.1) and relays the plaintext to 127.0.0.1:5432.
 */
async function tlsFrontForLocalPostgres(pki: TestPki): Promise<{ server: Server; port: number }> {
  const context = createSecureContext({ cert: pki.serverCert, key: pki.serverKey });
  const server = createServer((raw) => {
    raw.on('error', () => undefined);
    raw.once('data', (request) => {
      if (request.length !== 8 || request.readUInt32BE(4) !== 80877103) return void raw.destroy();
      raw.write('S');
      const secure = new TLSSocket(raw, { isServer: true, secureContext: context });
      secure.on('error', () => raw.destroy());
      secure.once('secure', () => {
        const upstream = connect(5432, '127.0.0.1');
        upstream.on('error', () => secure.destroy());
        secure.pipe(upstream).pipe(secure);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe('DATABASE (PostgreSQL) connector against a real server', () => {
  const schema = `conn_test_${randomBytes(4).toString('hex')}`;
  let admin: Client;
  const open: PostgresConnector[] = [];
  const make = (connection: Record<string, unknown>, opts: { direction?: Direction; integrationId?: string; auth?: Record<string, unknown>; timeoutMs?: number } = {}) => {
    const ctx = testContext({ type: 'DATABASE', direction: opts.direction, auth: opts.auth, timeoutMs: opts.timeoutMs, connection: { ...PG, ...connection } });
    const c = postgresPlugin.create({ ...ctx, integrationId: opts.integrationId ?? ctx.integrationId }) as PostgresConnector;
    open.push(c);
    return c;
  };
  const ddl = (table: string, deliveryId: string) => `
    CREATE TABLE ${schema}.${table} (
      id bigserial PRIMARY KEY, event_id text NOT NULL, event_type text NOT NULL, source text NOT NULL,
      event_time timestamptz NOT NULL, subject text, data jsonb, delivery_id ${deliveryId})`;

  beforeAll(async () => {
    admin = new Client(PG);
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(ddl('"Events"', 'text UNIQUE')); // mixed case proves identifiers are quoted
    await admin.query(ddl('plain_events', 'text'));
    await admin.query(`CREATE TABLE ${schema}.incoming (seq bigserial PRIMARY KEY, body jsonb NOT NULL)`);
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin?.end();
  });

  it('validates the connection: identifiers, one way to connect', () => {
    expect(postgresPlugin.validateConnection({ ...PG, table: 'public.events' })).toEqual([]);
    expect(postgresPlugin.validateConnection({ connection_string: 'postgres://u@db.example.com/app', table: 'events', cursor_column: 'id' })).toEqual([]);
    for (const table of ['events; DROP TABLE x', 'a.b.c', '"quoted"', '1abc', '']) {
      expect(postgresPlugin.validateConnection({ ...PG, table })).toEqual([{ field: 'table', message: expect.any(String) }]);
    }
    const fields = postgresPlugin.validateConnection({ connection_string: 'postgres://x/db?host=/var/run/postgresql', host: 'a', table: 't', cursor_column: 'a b', batch_size: 0 }).map((e) => e.field);
    expect(fields.sort()).toEqual(['batch_size', 'connection_string', 'cursor_column', 'host']);
    expect(postgresPlugin.validateConnection({ connection_string: 'postgres://u:secret@db.example.com/app', table: 't' })).toEqual([
      { field: 'connection_string', message: expect.stringContaining('must not embed a password') },
    ]);
    expect(postgresPlugin.validateConnection({ table: 't' })).toEqual([{ field: 'host', message: expect.stringContaining('required') }]);
    expect(postgresPlugin.validateConnection({ ...PG, table: 't' }, Direction.INBOUND)).toEqual([{ field: 'cursor_column', message: expect.stringContaining('required') }]);
  });

  it('inserts the event; the same delivery id twice gives one row (ON CONFLICT)', async () => {
    const c = make({ table: `${schema}.Events` });
    await c.initialize();
    const m = testMessage({ instance: 'i-1', nested: { a: [1, 2] } });
    expect((await c.send(m)).ok).toBe(true);
    expect((await c.send({ ...m, attempt: 2 })).ok).toBe(true);
    expect((await c.send(testMessage())).ok).toBe(true);
    const rows = (await admin.query(`SELECT * FROM ${schema}."Events" ORDER BY id`)).rows;
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ event_id: m.event.id, event_type: m.event.type, source: m.event.source, subject: 'i-123', delivery_id: m.deliveryId, data: m.event.data });
    expect((rows[0].event_time as Date).toISOString()).toBe(m.event.time);
  });

  it('without a unique delivery_id it inserts every attempt', async () => {
    const c = make({ table: `${schema}.plain_events` });
    const m = testMessage();
    expect((await c.send(m)).ok).toBe(true);
    expect((await c.send(m)).ok).toBe(true);
    expect((await admin.query(`SELECT count(*)::int AS n FROM ${schema}.plain_events`)).rows[0].n).toBe(2);
  });

  it('keeps values as parameters: hostile text is stored verbatim', async () => {
    const c = make({ table: `${schema}.plain_events` });
    const m = testMessage({ text: "'); DROP TABLE incoming; --" });
    m.event.subject = "x'; DELETE FROM plain_events; --";
    expect((await c.send(m)).ok).toBe(true);
    const row = (await admin.query(`SELECT subject, data FROM ${schema}.plain_events WHERE delivery_id = $1`, [m.deliveryId])).rows[0];
    expect(row).toEqual({ subject: m.event.subject, data: m.event.data });
    expect((await admin.query(`SELECT to_regclass('${schema}.incoming') IS NOT NULL AS ok`)).rows[0].ok).toBe(true);
  });

  it('refuses a missing table or one without the event columns, as non-retryable', async () => {
    await expect(make({ table: `${schema}.nope` }).initialize()).rejects.toMatchObject({ retryable: false, message: expect.stringContaining('does not exist') });
    await expect(make({ table: `${schema}.incoming` }).initialize()).rejects.toMatchObject({ retryable: false, message: expect.stringContaining('event_id') });
    expect(await make({ table: `${schema}.nope` }).send(testMessage())).toMatchObject({ ok: false, retryable: false });
  });

  it('keeps the pool at two connections and closes it on close()', async () => {
    const id = `pool-${randomBytes(3).toString('hex')}`;
    const c = make({ table: `${schema}.plain_events` }, { integrationId: id });
    const results = await Promise.all(Array.from({ length: 12 }, () => c.send(testMessage())));
    expect(results.every((r) => r.ok)).toBe(true);
    const count = async () => (await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`, [`aws-mcp:${id}`])).rows[0].n as number;
    const n = await count();
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(2);
    await c.close();
    await c.close(); // twice is fine
    await waitFor(async () => (await count()) === 0, 5000, 50, 'pool closed');
  });

  it('inbound: polls by cursor in order and pages; a rejected row is offered again before later ones', async () => {
    await admin.query(`INSERT INTO ${schema}.incoming (body) SELECT jsonb_build_object('n', g) FROM generate_series(1, 5) g`);
    const c = make({ table: `${schema}.incoming`, cursor_column: 'seq', poll_interval_seconds: 0.1, batch_size: 2 }, { direction: Direction.INBOUND });
    const seen: InboundMessage[] = [];
    let failed = false;
    await c.startListening(async (m) => {
      seen.push(m);
      if ((m.data as { body: { n: number } }).body.n === 3 && !failed) {
        failed = true;
        throw new Error('downstream busy');
      }
    });
    await waitFor(() => seen.length >= 6, 5000, 20, 'first five rows');
    await admin.query(`INSERT INTO ${schema}.incoming (body) VALUES ('{"n": 6}')`);
    await waitFor(() => seen.length >= 7, 5000, 20, 'a later row');
    await c.stopListening();
    expect(seen.map((m) => (m.data as { body: { n: number } }).body.n)).toEqual([1, 2, 3, 3, 4, 5, 6]);
    expect(seen[0]).toMatchObject({ id: `${schema}.incoming:1`, data: { seq: '1', body: { n: 1 } } });
  });

  it('inbound with cursor_start skips rows already taken', async () => {
    const c = make({ table: `${schema}.incoming`, cursor_column: 'seq', cursor_start: 5, poll_interval_seconds: 0.1 }, { direction: Direction.INBOUND });
    const seen: string[] = [];
    await c.startListening(async (m) => {
      seen.push(m.id);
    });
    await waitFor(() => seen.length >= 1, 5000, 20, 'row 6');
    await c.stopListening();
    expect(seen).toEqual([`${schema}.incoming:6`]);
  });

  it('health: SELECT 1 succeeds; a wrong database fails initialize without retry', async () => {
    expect(await make({ table: `${schema}.plain_events` }).healthCheck()).toMatchObject({ healthy: true });
    await expect(make({ table: 't', database: `missing_${schema}` }).initialize()).rejects.toMatchObject({ retryable: false, message: expect.stringMatching(/3D000/) });
  });

  it('connects with a connection_string too', async () => {
    const c = make({ connection_string: 'postgresql://postgres@127.0.0.1:5432/test', host: undefined, port: undefined, database: undefined, user: undefined, table: `${schema}.plain_events` });
    await c.initialize();
    expect((await c.send(testMessage())).ok).toBe(true);
  });

  it.each([
    ['host fields', {}],
    ['a connection_string', { connection_string: 'postgresql://postgres@127.0.0.1:5432/test', host: undefined, port: undefined, database: undefined, user: undefined }],
  ])('BASIC auth overrides the user given in %s: an unknown role is refused', async (_name, patch) => {
    const h = await make({ table: 't', ...patch }, { auth: { type: AuthType.BASIC, username: `nobody_${schema}`, password: 'x' } }).healthCheck();
    expect(h).toMatchObject({ healthy: false, error: expect.stringMatching(/28000|28P01/) });
  });

  it('server down: unhealthy with a reason and send is retryable', async () => {
    const c = make({ table: 't', port: await freePort() }, { timeoutMs: 1000 });
    expect(await c.healthCheck()).toMatchObject({ healthy: false, error: expect.stringMatching(/ECONNREFUSED/) });
    expect(await c.send(testMessage())).toMatchObject({ ok: false, retryable: true });
  });

  it('refuses a loopback server the outbound policy does not allow', async () => {
    const ctx = { ...testContext({ type: 'DATABASE', connection: { ...PG, table: 't' } }), outbound: { allow: [] } };
    const c = postgresPlugin.create(ctx) as PostgresConnector;
    open.push(c);
    expect(await c.healthCheck()).toMatchObject({ healthy: false, error: expect.stringMatching(/refused/) });
  });
  describe('DNS rebinding: every connection goes to an address the guard checked', () => {
    it('a name that answers a public address to the check and 127.0.0.1 to the connection is refused', async () => {
      const dns = rebindingDns(['93.184.216.34'], ['127.0.0.1']);
      const ctx = { ...testContext({ type: 'DATABASE', timeoutMs: 1000, connection: { ...PG, host: 'db.rebind.test', table: 't' } }), outbound: { allow: [] } };
      const c = new PostgresConnector(ctx, dns.lookup);
      open.push(c);
      expect(await c.healthCheck()).toMatchObject({ healthy: false, error: expect.stringMatching(/db\.rebind\.test refused: 127\.0\.0\.1/) });
      expect(dns.asked).toEqual(['db.rebind.test', 'db.rebind.test']);
    });

    describe('over TLS on loopback', () => {
      let pki: TestPki;
      let front: { server: Server; port: number };
      const through = (host: string, dns: ReturnType<typeof rebindingDns>) => {
        const ctx = testContext({ type: 'DATABASE', timeoutMs: 2000, connection: { ...PG, host, port: front.port, ssl: true, ca: pki.ca, table: `${schema}.plain_events` } });
        const c = new PostgresConnector(ctx, dns.lookup);
        open.push(c);
        return c;
      };

      beforeAll(async () => {
        pki = makeTestPki();
        front = await tlsFrontForLocalPostgres(pki);
      });
      afterAll(async () => {
        // Pools hold their connections through the front: close them first, or close() waits for their idle timeout.
        await Promise.all(open.map((c) => c.close()));
        await new Promise<void>((resolve) => (front ? front.server.close(() => resolve()) : resolve()));
      });

      it('verifies the certificate against the host name; a new connection after the name rebinds is refused', async () => {
        // mtls.test has no DNS: pg gets through only with the guard's answers (the pre-check, then one per socket).
        const dns = rebindingDns(['127.0.0.1'], ['127.0.0.1'], ['169.254.169.254']);
        const c = through('mtls.test', dns);
        await c.initialize();
        expect((await c.send(testMessage())).ok).toBe(true);
        // The pool's idle connection takes one send; the second needs a new socket, whose lookup now says metadata.
        const both = await Promise.all([c.send(testMessage()), c.send(testMessage())]);
        expect(both.filter((r) => r.ok)).toHaveLength(1);
        expect(both.find((r) => !r.ok)).toMatchObject({ retryable: false, error: expect.stringMatching(/169\.254\.169\.254/) });
        expect(dns.asked).toEqual(['mtls.test', 'mtls.test', 'mtls.test']);
      });

      it('refuses a certificate that does not name the host, although it names the address connected to', async () => {
        await expect(through('other.test', rebindingDns(['127.0.0.1'])).initialize()).rejects.toThrow(/other\.test\. is not in the cert's altnames/);
      });
    });
  });

  it('validates ca as PEM certificates', () => {
    expect(postgresPlugin.validateConnection({ ...PG, table: 't', ssl: true, ca: 'not pem' })).toEqual([{ field: 'ca', message: expect.any(String) }]);
  });

  it("never sends the service's own PGPASSWORD or pgpass file to the server an integration names", async () => {
    // A server that asks for a cleartext password and keeps what it gets: the connector has none configured.
    const sent: string[] = [];
    const server = createServer((sock) => {
      sock.on('error', () => undefined);
      sock.once('data', () => {
        sock.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3])); // AuthenticationCleartextPassword
        sock.once('data', (msg) => {
          if (msg[0] === 0x70) sent.push(msg.subarray(5, msg.length - 1).toString());
          sock.destroy();
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'pgpass-'));
    const canary = `canary-${randomBytes(6).toString('hex')}`;
    writeFileSync(`${dir}/pgpass`, `*:*:*:*:${canary}-file\n`, { mode: 0o600 });
    const saved = { PGPASSWORD: process.env.PGPASSWORD, PGPASSFILE: process.env.PGPASSFILE };
    process.env.PGPASSWORD = canary;
    process.env.PGPASSFILE = `${dir}/pgpass`;
    try {
      const h = await make({ host: '127.0.0.1', port, table: 't' }).healthCheck();
      expect(h.healthy).toBe(false);
      expect(sent).toEqual(['']);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
