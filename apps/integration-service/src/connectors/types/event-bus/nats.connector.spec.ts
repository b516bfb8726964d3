import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, headers, Msg, NatsConnection } from 'nats';
import { AuthType, Direction } from '@app/contracts';
import { freePort, waitFor } from '../../../../../../test/support/ports';
import { testContext, testMessage } from '../../../../../../test/support/connector-context';
import { InboundMessage } from '../../connector.port';
import { OutboundGuard } from '../../http/outbound-guard';
import { makeTestPki, TestPki } from '../../../../../../test/support/connectors/test-pki';
import { rebindingDns } from '../../../../../../test/support/connectors/rebinding-dns';
import { eventBusPlugin } from './event-bus.plugin';
import { NatsConnector, pinnedServers } from './nats.connector';

const LOCAL = 'nats://127.0.0.1:4222';

function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as { port: number }).port)));
}

describe('EVENT_BUS (NATS) connector against nats-server', () => {
  const run = randomBytes(4).toString('hex');
  let nc: NatsConnection;
  let authServer: ChildProcess | undefined;
  let authPort: number;
  let tokenServer: ChildProcess | undefined;
  let tokenPort: number;
  const open: NatsConnector[] = [];

  const make = (connection: Record<string, unknown>, opts: { direction?: Direction; auth?: Record<string, unknown>; timeoutMs?: number } = {}) => {
    const c = eventBusPlugin.create(
      testContext({ type: 'EVENT_BUS', connection: { provider: 'nats', servers: [LOCAL], ...connection }, direction: opts.direction, auth: opts.auth, timeoutMs: opts.timeoutMs }),
    ) as NatsConnector;
    open.push(c);
    return c;
  };
  /** Collects what a plain nats.js subscriber receives. */
  const collect = (conn: NatsConnection, subject: string) => {
    const got: Msg[] = [];
    const sub = conn.subscribe(subject, { callback: (_err, m) => got.push(m) });
    return { got, sub };
  };

  beforeAll(async () => {
    nc = await connect({ servers: LOCAL });
    authPort = await freePort();
    tokenPort = await freePort();
    authServer = spawn('/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(authPort), '--user', 'u', '--pass', 'p'], { stdio: 'ignore' });
    tokenServer = spawn('/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(tokenPort), '--auth', 's3cret-token'], { stdio: 'ignore' });
    const ready = (opts: Parameters<typeof connect>[0]) =>
      waitFor(async () => {
        const probe = await connect({ ...opts, reconnect: false }).catch(() => null);
        await probe?.close();
        return !!probe;
      }, 10000, 100, 'extra nats-server');
    await Promise.all([ready({ servers: `127.0.0.1:${authPort}`, user: 'u', pass: 'p' }), ready({ servers: `127.0.0.1:${tokenPort}`, token: 's3cret-token' })]);
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await nc?.close();
    for (const server of [authServer, tokenServer]) {
      if (server && server.exitCode === null) {
        await new Promise<void>((resolve) => {
          server.once('exit', () => resolve());
          server.kill('SIGTERM');
        });
      }
    }
  });

  it('validates the connection', () => {
    expect(eventBusPlugin.validateConnection({ provider: 'nats', servers: ['nats://a:4222', 'b:4222'], subject: 'a.b', subjects: ['x.*', 'y.>'] })).toEqual([]);
    expect(eventBusPlugin.validateConnection({ provider: 'kafka' })).toEqual([{ field: 'provider', message: expect.any(String) }]);
    const fields = eventBusPlugin.validateConnection({ provider: 'nats', servers: 'http://x/y', subject: 'a.*', subjects: ['has space'], queue: 'bad queue', credentials: 'nope', creds: 'x' }).map((e) => e.field);
    expect(fields.sort()).toEqual(['credentials', 'creds', 'queue', 'servers', 'subject', 'subjects']);
    expect(eventBusPlugin.validateConnection({ provider: 'nats', servers: [LOCAL], subject: 'a' }, Direction.BIDIRECTIONAL)).toEqual([{ field: 'subjects', message: expect.stringContaining('required') }]);
    expect(eventBusPlugin.validateConnection({ provider: 'nats', servers: [LOCAL], subjects: ['a'] }, Direction.OUTBOUND)).toEqual([{ field: 'subject', message: expect.stringContaining('required') }]);
    expect(eventBusPlugin.validateConnection({ provider: 'nats', servers: [LOCAL], jetstream: true, subjects: ['a', 'b'] }, Direction.INBOUND).map((e) => e.field).sort()).toEqual(['stream', 'subjects']);
  });

  it('publishes the CloudEvent with Nats-Msg-Id and ce-id headers', async () => {
    const subject = `conn.${run}.out`;
    const { got, sub } = collect(nc, subject);
    await nc.flush();
    const c = make({ subject });
    await c.initialize();
    const m = testMessage({ id: 'i-1' });
    expect(await c.send(m)).toMatchObject({ ok: true });
    await waitFor(() => got.length === 1, 5000, 20, 'message');
    sub.unsubscribe();
    expect(got[0].headers?.get('Nats-Msg-Id')).toBe(m.deliveryId);
    expect(got[0].headers?.get('ce-id')).toBe(m.event.id);
    expect(got[0].headers?.get('ce-type')).toBe(m.event.type);
    expect(got[0].json()).toEqual(m.event);
  });

  it('JetStream publish: a retried delivery is stored once', async () => {
    const subject = `connjs.${run}.out`;
    const jsm = await nc.jetstreamManager();
    const stream = `CONNTEST_${run}`;
    await jsm.streams.add({ name: stream, subjects: [subject] });
    try {
      const c = make({ subject, jetstream: true });
      const m = testMessage();
      expect((await c.send(m)).ok).toBe(true);
      expect((await c.send({ ...m, attempt: 2 })).ok).toBe(true);
      expect((await c.send(testMessage())).ok).toBe(true);
      expect((await jsm.streams.info(stream)).state.messages).toBe(2);
    } finally {
      await jsm.streams.delete(stream);
    }
  });

  it('inbound: subscribes (queue group), ids come from Nats-Msg-Id or a content hash, a failing handler does not stop the stream', async () => {
    const c = make({ subjects: [`conn.${run}.in.*`], queue: 'workers' }, { direction: Direction.INBOUND });
    const seen: InboundMessage[] = [];
    await c.startListening(async (m) => {
      seen.push(m);
      if ((m.data as { fail?: boolean }).fail) throw new Error('boom');
    });
    const h = headers();
    h.set('Nats-Msg-Id', 'msg-1');
    nc.publish(`conn.${run}.in.a`, JSON.stringify({ fail: true }), { headers: h });
    nc.publish(`conn.${run}.in.b`, JSON.stringify({ n: 2 }));
    nc.publish(`conn.${run}.in.b`, JSON.stringify({ n: 2 }));
    nc.publish(`conn.${run}.in.c`, 'plain text');
    await waitFor(() => seen.length === 4, 5000, 20, 'four messages');
    await c.stopListening();
    expect(seen[0]).toMatchObject({ id: 'msg-1', data: { fail: true }, attributes: { subject: `conn.${run}.in.a`, 'Nats-Msg-Id': 'msg-1' } });
    expect(seen[1].id).toMatch(/^[0-9a-f]{32}$/);
    expect(seen[2].id).toBe(seen[1].id); // same subject and payload: the receiver can drop it
    expect(seen[3]).toMatchObject({ data: 'plain text' });
    expect(seen[3].id).not.toBe(seen[1].id);
    // after stopListening nothing more arrives
    nc.publish(`conn.${run}.in.d`, JSON.stringify({ late: true }));
    await nc.flush();
    const { got, sub } = collect(nc, `conn.${run}.in.*`);
    nc.publish(`conn.${run}.in.e`, '{}');
    await waitFor(() => got.length === 1, 5000, 20, 'control message');
    sub.unsubscribe();
    expect(seen).toHaveLength(4);
  });

  it('JetStream inbound: durable consumer acks handled messages, redelivers a rejected one, and a restart resumes after the last ack', async () => {
    const jsm = await nc.jetstreamManager();
    const js = nc.jetstream();
    const stream = `CONNIN_${run}`;
    await jsm.streams.add({ name: stream, subjects: [`connin.${run}.>`] });
    const connection = { jetstream: true, stream, subjects: [`connin.${run}.>`], durable: `d_${run}`, nak_delay_seconds: 0.1 };
    try {
      for (const n of [1, 2, 3]) await js.publish(`connin.${run}.x`, JSON.stringify({ n }), { msgID: `m-${n}` });
      const first = make(connection, { direction: Direction.INBOUND });
      const seen: InboundMessage[] = [];
      let failedOnce = false;
      await first.startListening(async (m) => {
        seen.push(m);
        if ((m.data as { n: number }).n === 2 && !failedOnce) {
          failedOnce = true;
          throw new Error('not yet');
        }
      });
      await waitFor(() => seen.length >= 4, 5000, 20, 'three messages and one redelivery');
      await first.close();
      expect(seen.map((m) => m.id).sort()).toEqual(['m-1', 'm-2', 'm-2', 'm-3']);
      expect(seen.filter((m) => m.id === 'm-2').map((m) => m.attributes?.delivery_count)).toEqual(['1', '2']);

      // A new connector with the same durable name only gets what was never acked.
      await js.publish(`connin.${run}.x`, JSON.stringify({ n: 4 }));
      const second = make(connection, { direction: Direction.INBOUND });
      const later: InboundMessage[] = [];
      await second.startListening(async (m) => {
        later.push(m);
      });
      await waitFor(() => later.length >= 1, 5000, 20, 'message 4');
      await second.stopListening();
      expect(later.map((m) => m.data)).toEqual([{ n: 4 }]);
      expect(later[0].id).toBe(`${stream}:4`); // no Nats-Msg-Id: the stream sequence identifies it
      expect((await jsm.consumers.info(stream, `d_${run}`)).num_pending).toBe(0);
    } finally {
      await jsm.streams.delete(stream);
    }
  });

  describe('a server that requires a user and password', () => {
    let authNc: NatsConnection;
    beforeAll(async () => {
      authNc = await connect({ servers: `127.0.0.1:${authPort}`, user: 'u', pass: 'p' });
    });
    afterAll(async () => {
      await authNc?.close();
    });

    it.each([
      ['BASIC auth', {}, { type: AuthType.BASIC, username: 'u', password: 'p' }],
      ['connection user/password', { user: 'u', password: 'p' }, undefined],
    ])('publishes with the right credentials (%s)', async (_name, extra, auth) => {
      const subject = `auth.${run}.${Object.keys(extra).length}`;
      const { got, sub } = collect(authNc, subject);
      await authNc.flush();
      const c = make({ servers: [`nats://127.0.0.1:${authPort}`], subject, ...extra }, { auth });
      await c.initialize();
      expect(await c.healthCheck()).toMatchObject({ healthy: true });
      expect((await c.send(testMessage())).ok).toBe(true);
      await waitFor(() => got.length === 1, 5000, 20, 'message');
      sub.unsubscribe();
    });

    it('refuses wrong credentials as a non-retryable authorization error', async () => {
      const c = make({ servers: [`nats://127.0.0.1:${authPort}`], subject: 'x' }, { auth: { type: AuthType.BASIC, username: 'u', password: 'wrong' } });
      await expect(c.initialize()).rejects.toMatchObject({ retryable: false, message: expect.stringMatching(/authorization/i) });
      expect(await c.healthCheck()).toMatchObject({ healthy: false, error: expect.stringMatching(/authorization/i) });
      expect(await c.send(testMessage())).toMatchObject({ ok: false, retryable: false });
    });

    it('server stopped after connecting: unhealthy and sends fail as retryable', async () => {
      const c = make({ servers: [`nats://127.0.0.1:${authPort}`], subject: `auth.${run}.gone` }, { auth: { type: AuthType.BASIC, username: 'u', password: 'p' }, timeoutMs: 1000 });
      await c.initialize();
      await authNc.close();
      await new Promise<void>((resolve) => {
        authServer?.once('exit', () => resolve());
        authServer?.kill('SIGTERM');
      });
      const h = await c.healthCheck();
      expect(h.healthy).toBe(false);
      expect(h.error).toMatch(/timed out|closed|disconnect/i);
      expect(await c.send(testMessage())).toMatchObject({ ok: false, retryable: true });
    });
  });

  it.each([
    ['BEARER_TOKEN auth', {}, { type: AuthType.BEARER_TOKEN, token: 's3cret-token' }, true],
    ['connection token', { token: 's3cret-token' }, undefined, true],
    ['a wrong token', { token: 'guess' }, undefined, false],
  ])('token server: %s', async (_name, extra, auth, works) => {
    const c = make({ servers: [`nats://127.0.0.1:${tokenPort}`], subject: `tok.${run}`, ...extra }, { auth });
    expect(await c.healthCheck()).toMatchObject({ healthy: works });
    expect(await c.send(testMessage())).toMatchObject({ ok: works });
  });

  it('no server listening: unhealthy with a reason, send is retryable', async () => {
    const port = await freePort();
    const c = make({ servers: [`nats://127.0.0.1:${port}`], subject: 'x' });
    expect(await c.healthCheck()).toMatchObject({ healthy: false, error: expect.stringMatching(/CONNECTION_REFUSED|ECONNREFUSED/) });
    expect(await c.send(testMessage())).toMatchObject({ ok: false, retryable: true });
  });

  it('refuses a loopback server the outbound policy does not allow', async () => {
    const ctx = { ...testContext({ type: 'EVENT_BUS', connection: { provider: 'nats', servers: [LOCAL], subject: 'x' } }), outbound: { allow: [] } };
    const c = eventBusPlugin.create(ctx) as NatsConnector;
    open.push(c);
    expect(await c.send(testMessage())).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/refused/) });
  });
  describe('DNS rebinding: nats.js is given the addresses the guard checked', () => {
    it('pins the first checked answer, never a later one; the names stay what certificates must name', async () => {
      const dns = rebindingDns(['93.184.216.34'], ['127.0.0.1']);
      expect(await pinnedServers(['nats://bus.example.com:4223'], new OutboundGuard({ allow: [] }, dns.lookup))).toEqual({ servers: ['93.184.216.34:4223'], identities: ['bus.example.com'] });
      expect(dns.asked).toEqual(['bus.example.com']);
      const twoFamilies = new OutboundGuard({ allow: [] }, async () => ['2606:4700::1111', '93.184.216.34']);
      expect(await pinnedServers(['tls://v6.example', '8.8.8.8:4300'], twoFamilies)).toEqual({
        servers: ['[2606:4700::1111]:4222', '93.184.216.34:4222', '8.8.8.8:4300'],
        identities: ['v6.example', '8.8.8.8'],
      });
    });

    it('ignores servers that a server gossips (connect_urls): nats.js would dial them unchecked', async () => {
      // A fake server announces a "cluster member" on 127.0.0.2, then drops the client and refuses it from then on.
      let decoyDialled = 0;
      const decoy = createServer((s) => {
        decoyDialled++;
        s.destroy();
      });
      const decoyPort = await listen(decoy, '127.0.0.2');
      let first: Socket | undefined;
      let redials = 0;
      const fake = createServer((s) => {
        s.on('error', () => undefined);
        if (first) {
          redials++;
          return void s.destroy();
        }
        first = s;
        s.write(`INFO ${JSON.stringify({ server_id: 'fake', version: '2.9.10', proto: 1, max_payload: 1048576, headers: true, connect_urls: [`127.0.0.2:${decoyPort}`] })}\r\n`);
        s.on('data', (d) => {
          if (d.toString().includes('PING')) s.write('PONG\r\n');
        });
      });
      const fakePort = await listen(fake, '127.0.0.1');
      try {
        const c = make({ servers: [`nats://127.0.0.1:${fakePort}`], subject: 'x' });
        await c.initialize();
        first?.destroy();
        // nats.js tries the servers it knows in turn: the gossiped one would come before the configured one again.
        await waitFor(() => redials > 0, 10000, 50, 'a reconnect attempt');
        expect(decoyDialled).toBe(0);
        await c.close();
      } finally {
        fake.close();
        decoy.close();
      }
    });

    describe('over TLS on loopback', () => {
      const bin = '/usr/sbin/nats-server';
      let pki: TestPki;
      let dir: string;
      let port: number;
      let server: ChildProcess | undefined;
      const start = async () => {
        server = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '--tls', '--tlscert', join(dir, 'server.crt'), '--tlskey', join(dir, 'server.key')], { stdio: 'ignore' });
        await waitFor(
          () => new Promise<boolean>((resolve) => {
            const s = tcpConnect(port, '127.0.0.1', () => {
              s.destroy();
              resolve(true);
            });
            s.on('error', () => resolve(false));
          }),
          10000, 50, 'the TLS nats-server',
        );
      };
      const pinnedTo = (servers: string[], dns: ReturnType<typeof rebindingDns>, tls = true) => {
        const ctx = testContext({ type: 'EVENT_BUS', timeoutMs: 2000, connection: { provider: 'nats', servers, tls, ca: pki.ca, subject: `conn.${run}.tls` } });
        const c = new NatsConnector(ctx, dns.lookup);
        open.push(c);
        return c;
      };

      beforeAll(async () => {
        pki = makeTestPki();
        dir = mkdtempSync(join(tmpdir(), 'nats-tls-'));
        writeFileSync(join(dir, 'server.crt'), pki.serverCert);
        writeFileSync(join(dir, 'server.key'), pki.serverKey);
        port = await freePort();
        await start();
      });
      afterAll(async () => {
        await stopProcess(server);
        if (dir) rmSync(dir, { recursive: true, force: true });
      });

      it('verifies the certificate against the host name, and reconnects to the pinned address only', async () => {
        // mtls.test has no DNS: nats.js gets there only with the guard's answer; any later answer is the metadata address.
        const dns = rebindingDns(['127.0.0.1'], ['169.254.169.254']);
        const c = pinnedTo([`tls://mtls.test:${port}`], dns);
        await c.initialize();
        expect(await c.send(testMessage())).toMatchObject({ ok: true });
        await stopProcess(server);
        await start();
        // nats.js reconnects by itself; it has only the address, so DNS is not asked again.
        await waitFor(async () => (await c.send(testMessage())).ok, 15000, 200, 'a send after the reconnect');
        expect(dns.asked).toEqual(['mtls.test']);
      });

      it('refuses a certificate that does not name the host, although it names the address connected to', async () => {
        await expect(pinnedTo([`tls://other.test:${port}`], rebindingDns(['127.0.0.1'])).initialize()).rejects.toThrow(/other\.test\. is not in the cert's altnames/);
      });

      it('tls: false is plaintext only: a server that requires TLS is refused with a hint', async () => {
        await expect(pinnedTo([`nats://127.0.0.1:${port}`], rebindingDns([]), false).initialize()).rejects.toMatchObject({ retryable: false, message: expect.stringMatching(/set tls: true/) });
      });
    });
  });
});
