import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, NatsConnection } from 'nats';
import { NatsServer, startNatsServer, SystemUnderTest, waitFor } from '@app/testing';

/**
 * Two deployments on one NATS, told apart by `nats.prefix`: every subject (requests and events), the stream, the
 * durable consumers and the queue groups carry it, so neither answers the other's requests nor sees its events.
 * Meaningful over NATS only, so it runs in the distributed pass; each deployment is one process (the four apps over
 * NATS, standalone with NATS_URL), which keeps it cheap: the adapter is the same as with four processes.
 * (`*.distributed.e2e-spec.ts`: the e2e project runs such files in the distributed pass only.)
 */
const dec = new TextDecoder();

describe('Two deployments on one NATS (nats.prefix)', () => {
  let dir: string;
  let nats: NatsServer;
  let a: SystemUnderTest;
  let b: SystemUnderTest;
  let watcher: NatsConnection;
  const seen: Array<{ subject: string; data: any }> = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-prefix-'));
    nats = await startNatsServer(join(dir, 'js'));
    watcher = await connect({ servers: nats.url });
    const sub = watcher.subscribe('>');
    void (async () => {
      for await (const m of sub) {
        if (m.subject.startsWith('_INBOX.') || m.subject.startsWith('$JS.') || m.subject.startsWith('$SYS.')) continue;
        let data: unknown = null;
        try {
          data = JSON.parse(dec.decode(m.data));
        } catch {
          // not JSON
        }
        seen.push({ subject: m.subject, data });
      }
    })();
    a = await SystemUnderTest.start('standalone', { env: { NATS_URL: nats.url, MCP_NATS_PREFIX: 'alpha' } });
    b = await SystemUnderTest.start('standalone', { env: { NATS_URL: nats.url, MCP_NATS_PREFIX: 'beta.prod' } });
  }, 180_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await watcher?.close();
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('each sees only its own requests, events, stream and consumers', async () => {
    const integration = (name: string) => ({ name, description: 'prefix', type: 'REST_API', direction: 'OUTBOUND', connection: { url: 'https://api.example.com' } });
    const inA = (await a.api().post('/api/v1/integrations', integration('only-in-alpha'))).body;
    const inB = (await b.api().post('/api/v1/integrations', integration('only-in-beta'))).body;
    expect(inA.id).toBeDefined();
    expect(inB.id).toBeDefined();

    // Requests: both deployments' integration-services serve rpc.integration.* in a queue group named the same; on
    // shared subjects either would answer the other's gateway (from its own database).
    for (let i = 0; i < 10; i++) {
      expect((await a.api().get('/api/v1/integrations')).body.items.map((x: any) => x.name)).toEqual(['only-in-alpha']);
      expect((await b.api().get('/api/v1/integrations')).body.items.map((x: any) => x.name)).toEqual(['only-in-beta']);
    }

    // Events: under each prefix, and nothing on the bare subjects.
    await waitFor(() => seen.some((m) => m.subject === 'alpha.integration.created') && seen.some((m) => m.subject === 'beta.prod.integration.created'), 15_000, 100, 'both created events');
    // (A wildcard watcher also sees each JetStream delivery of an event to a consumer, under the event's subject.)
    const ids = (subject: string) => [...new Set(seen.filter((m) => m.subject === subject).map((m) => m.data.subject))];
    expect(ids('alpha.integration.created')).toEqual([inA.id]);
    expect(ids('beta.prod.integration.created')).toEqual([inB.id]);
    const stray = seen.filter((m) => !m.subject.startsWith('alpha.') && !m.subject.startsWith('beta.prod.'));
    expect(stray.map((m) => m.subject)).toEqual([]);
    expect(seen.some((m) => m.subject.startsWith('alpha.rpc.'))).toBe(true);

    // One stream per deployment, subjects that do not overlap, durables named for their deployment.
    const jsm = await watcher.jetstreamManager();
    const streams = new Map<string, string[]>();
    for await (const s of jsm.streams.list()) streams.set(s.config.name, s.config.subjects ?? []);
    expect([...streams.keys()].sort()).toEqual(['alpha_MCP_EVENTS', 'beta_prod_MCP_EVENTS']);
    expect(streams.get('alpha_MCP_EVENTS')!.every((s) => s.startsWith('alpha.'))).toBe(true);
    expect(streams.get('beta_prod_MCP_EVENTS')!.every((s) => s.startsWith('beta.prod.'))).toBe(true);
    const durables: string[] = [];
    for await (const c of jsm.consumers.list('beta_prod_MCP_EVENTS')) durables.push(c.name);
    expect(durables.length).toBeGreaterThan(0);
    expect(durables.every((d) => d.startsWith('beta_prod_'))).toBe(true);

    // The live event stream of each gateway carries its own events (the stream reader translates subjects back).
    const res = await fetch(`${b.baseUrl}/api/v1/events/stream?subjects=integration.>`, { headers: { 'x-api-key': await b.keyFor('admin'), 'last-event-id': '0' } });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('only-in-beta')) text += dec.decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toContain(`"type":"integration.created"`);
    expect(text).not.toContain('only-in-alpha');
  }, 120_000);
});
