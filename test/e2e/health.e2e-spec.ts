import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { SystemUnderTest, waitFor } from '@app/testing';

const MODE = (process.env.E2E_MODE ?? 'standalone') as 'standalone' | 'distributed';
const INTERVAL_MS = 5000;

/** A loopback HTTP endpoint we switch on and off: when off, nothing listens on its port (connection refused). */
class Sink {
  hits: number[] = [];
  /** `/slow-health`: when each request came; while `holdSlow`, answered only on `releaseHeld()`. */
  slowHits: number[] = [];
  holdSlow = false;
  /** `/health`: while set, answered only on `releaseHeld()` (a check is then in flight). */
  holdHealth = false;
  private held: ServerResponse[] = [];
  private server?: Server;
  port = 0;

  async up(): Promise<void> {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (req.url?.startsWith('/health')) {
        this.hits.push(Date.now());
        if (this.holdHealth) return void this.held.push(res);
      }
      if (req.url?.startsWith('/failing-health')) return void res.writeHead(500, { connection: 'close' }).end();
      if (req.url?.startsWith('/slow-health')) {
        this.slowHits.push(Date.now());
        if (this.holdSlow) return void this.held.push(res);
      }
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  get heldCount(): number {
    return this.held.length;
  }

  releaseHeld(): void {
    for (const res of this.held.splice(0)) res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end('{"ok":true}');
  }

  async down(): Promise<void> {
    this.releaseHeld();
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

interface Check {
  id: string;
  outcome: 'SUCCESS' | 'FAILURE' | 'UNKNOWN';
  due_at: string;
  started_at: string;
  checked_at: string;
  status_code: number | null;
  error: string | null;
  status_after: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
}

describe(`Health monitor (${MODE})`, () => {
  let sut: SystemUnderTest;
  let http: ReturnType<SystemUnderTest['api']>;
  const sink = new Sink();
  let replica: Awaited<ReturnType<SystemUnderTest['spawnReplica']>> | undefined;
  let replicaId: string | undefined;
  const monitors = async () => new Set<string>((await http.get('/api/v1/system/health')).body.instances.filter((i: any) => i.app === 'health-monitor').map((i: any) => i.instance_id));

  const integration = (name: string, healthCheck: Record<string, unknown> = {}) => ({
    name,
    description: 'health-checked webhook',
    type: 'WEBHOOK',
    direction: 'OUTBOUND',
    connection: { url: `http://127.0.0.1:${sink.port}/hook` },
    health_check: {
      endpoint: `http://127.0.0.1:${sink.port}/health`,
      interval_seconds: 5,
      timeout_seconds: 2,
      failure_threshold: 2,
      success_threshold: 2,
      ...healthCheck,
    },
  });

  /** Every check of an integration, oldest first, read through the cursor (small pages on purpose). */
  async function fullHistory(id: string): Promise<Check[]> {
    const out: Check[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: Check[]; next_cursor: string | null } } = await http.get(`/api/v1/integrations/${id}/health/history?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      out.push(...res.body.items);
      cursor = res.body.next_cursor;
    } while (cursor);
    return out.reverse();
  }

  const health = async (id: string) => (await http.get(`/api/v1/integrations/${id}/health`)).body;
  const statusOf = async (id: string) => (await http.get(`/api/v1/integrations/${id}`)).body.status;

  beforeAll(async () => {
    await sink.up();
    sut = await SystemUnderTest.start(MODE, { env: { MCP_INTEGRATIONS_ALLOW_OUTBOUND: '127.0.0.0/8', MCP_HEALTH_POLL_INTERVAL_MS: '100' } });
    http = sut.api();
    // Two health-monitor processes share the schedule through leases.
    if (MODE === 'distributed') {
      const before = await waitFor(async () => (await monitors()).size === 1, 20000, 100, 'the first health-monitor listed').then(monitors);
      replica = await sut.spawnReplica('health-monitor');
      await waitFor(async () => (await monitors()).size === 2, 20000, 100, 'the replica listed');
      replicaId = [...(await monitors())].find((i) => !before.has(i));
    }
  }, 120000);

  afterAll(async () => {
    await sut?.stop();
    await sink.down();
  }, 60000);

  it('follows the endpoint: HEALTHY and ACTIVE, UNHEALTHY and ERROR after exactly failure_threshold failures, back after success_threshold successes', async () => {
    const created = await http.post('/api/v1/integrations', integration('health-target'));
    expect(created.status).toBe(201);
    const id: string = created.body.id;

    const first = await health(id);
    expect(first).toMatchObject({ integration_id: id, status: 'UNKNOWN', failure_threshold: 2, success_threshold: 2, consecutive_failures: 0, consecutive_successes: 0 });

    await waitFor(async () => (await health(id)).status === 'HEALTHY', 25000, 200, 'HEALTHY');
    await waitFor(async () => (await statusOf(id)) === 'ACTIVE', 10000, 200, 'status ACTIVE');
    // Distributed: the process running a check dies without a goodbye, its probe at the sink and its result not yet
    // recorded; the other carries on with the schedule and runs that slot again once the dead one's heartbeat has
    // run out (at least once: that slot reaches the sink twice and is recorded once). Killed while the check is
    // held on purpose, so the test asserts exactly that whatever the machine's load (which made the kill land
    // inside a check only sometimes, and the count of hits then one more than the history).
    let rerun = 0;
    if (MODE === 'distributed') {
      const db = new Client({ connectionString: sut.databaseUrl() });
      await db.connect();
      try {
        sink.holdHealth = true;
        await waitFor(() => sink.heldCount > 0, 15000, 20, 'a check in flight');
        const owner = (await db.query(`SELECT lease_owner FROM health.schedule WHERE integration_id = $1`, [id])).rows[0].lease_owner;
        if (owner === replicaId) await sut.stopReplica(replica!, 'SIGKILL');
        else await sut.stopApp('health-monitor', 'SIGKILL');
        rerun = 1;
      } finally {
        sink.holdHealth = false;
        sink.releaseHeld();
        await db.end();
      }
    }

    await sink.down();
    await waitFor(async () => (await health(id)).status === 'UNHEALTHY', 25000, 200, 'UNHEALTHY');
    await waitFor(async () => (await statusOf(id)) === 'ERROR', 10000, 200, 'status ERROR');
    // the reason names the streak once, then the last error
    expect((await http.get(`/api/v1/integrations/${id}`)).body.status_reason).toMatch(/^2 consecutive failed health checks: (?!.*consecutive failed)/);
    const down = await health(id);
    expect(down.last_error).toMatchObject({ message: expect.any(String) });
    expect(down.consecutive_successes).toBe(0);
    expect(down.consecutive_failures).toBeGreaterThanOrEqual(2);

    await sink.up();
    await waitFor(async () => (await health(id)).status === 'HEALTHY', 25000, 200, 'HEALTHY again');
    await waitFor(async () => (await statusOf(id)) === 'ACTIVE', 10000, 200, 'status ACTIVE again');

    // Stop checking it, and wait for the last check in flight to be recorded.
    const off = await http.put(`/api/v1/integrations/${id}`, integration('health-target', { enabled: false }));
    expect(off.status).toBe(200);
    await waitFor(async () => (await health(id)).monitored === false, 5000, 100, 'unmonitored');

    // Every check is in the history; each successful one reached the sink exactly once (but the slot the killed
    // process was running, twice), and no slot was recorded twice (with two replicas in distributed mode).
    let checks: Check[] = [];
    await waitFor(async () => {
      checks = await fullHistory(id);
      return checks.filter((c) => c.outcome === 'SUCCESS').length === sink.hits.length - rerun;
    }, 10000, 200, 'every sink hit to be in the history');
    const slots = checks.map((c) => Date.parse(c.due_at));
    expect(new Set(slots).size).toBe(slots.length);
    for (let i = 1; i < slots.length; i++) {
      expect(slots[i]).toBeGreaterThan(slots[i - 1]);
      expect((slots[i] - slots[0]) % INTERVAL_MS).toBe(0); // one grid: due + k * interval
    }
    expect(checks.every((c) => c.outcome !== 'UNKNOWN')).toBe(true);

    // The transitions happened at exactly the thresholds.
    const seq = checks.map((c) => `${c.outcome[0]}${c.status_after[0]}`);
    const firstHealthy = checks.findIndex((c) => c.status_after === 'HEALTHY');
    expect(firstHealthy).toBe(1); // S,S -> HEALTHY on the second success
    const firstUnhealthy = checks.findIndex((c) => c.status_after === 'UNHEALTHY');
    expect(seq.slice(firstUnhealthy - 2, firstUnhealthy + 1)).toEqual(['SH', 'FH', 'FU']);
    const recovered = checks.findIndex((c, i) => i > firstUnhealthy && c.status_after === 'HEALTHY');
    expect(seq.slice(recovered - 2, recovered + 1)).toEqual(['FU', 'SU', 'SH']);
    expect(checks.filter((c) => c.outcome === 'FAILURE').every((c) => c.error && c.status_code === null)).toBe(true);

    const view = await health(id);
    expect(view.status).toBe('HEALTHY');
    expect(view.latest_checks.length).toBe(Math.min(10, checks.length));
    expect(view.latest_checks[0].id).toBe(checks[checks.length - 1].id);
    expect(view.last_check.id).toBe(checks[checks.length - 1].id);
    const successes = checks.filter((c) => c.outcome === 'SUCCESS').length;
    expect(view.uptime_24h).toEqual({ ratio: successes / checks.length, successes, failures: checks.length - successes, unknown: 0 });
    expect(Date.parse(view.last_success_at)).toBe(Date.parse(checks.filter((c) => c.outcome === 'SUCCESS').pop()!.checked_at));
  }, 120000);

  it('follows the integration: a new, changed or deleted integration changes the schedule at once', async () => {
    const created = await http.post('/api/v1/integrations', integration('health-schedule', { interval_seconds: 300 }));
    const id: string = created.body.id;
    await waitFor(async () => (await health(id)).interval_seconds === 300 && (await health(id)).monitored === true, 5000, 100, 'scheduled');
    const view = await health(id);
    expect(Date.parse(view.next_check_at)).toBeGreaterThan(Date.now() - 1000);
    expect(Date.parse(view.next_check_at)).toBeLessThanOrEqual(Date.now() + 300_000);

    expect((await http.put(`/api/v1/integrations/${id}`, integration('health-schedule', { interval_seconds: 600 }))).status).toBe(200);
    await waitFor(async () => (await health(id)).interval_seconds === 600, 5000, 100, 'new interval');

    expect((await http.put(`/api/v1/integrations/${id}`, integration('health-schedule', { interval_seconds: 600, enabled: false }))).status).toBe(200);
    await waitFor(async () => (await health(id)).monitored === false, 5000, 100, 'unmonitored');
    expect((await health(id)).next_check_at).toBeNull();

    expect((await http.delete(`/api/v1/integrations/${id}`)).status).toBe(204);
    await waitFor(async () => (await http.get(`/api/v1/integrations/${id}/health`)).status === 404, 5000, 100, 'gone');
  });

  it('the connection test judges the configured endpoint, as the background check does', async () => {
    // connection.url answers 200, the endpoint 500: the test must not pass by reaching the url
    const created = await http.post('/api/v1/integrations', integration('health-test-endpoint', { endpoint: `http://127.0.0.1:${sink.port}/failing-health`, interval_seconds: 3600 }));
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    const failed = await http.post(`/api/v1/integrations/${id}/test`, {});
    expect(failed.body).toMatchObject({ healthy: false, status: 'ERROR', error: 'expected status 200, got 500' });
    expect((await http.put(`/api/v1/integrations/${id}`, integration('health-test-endpoint', { interval_seconds: 3600 }))).status).toBe(200);
    expect((await http.post(`/api/v1/integrations/${id}/test`, {})).body).toMatchObject({ healthy: true, status: 'ACTIVE', error: null });
    expect((await http.delete(`/api/v1/integrations/${id}`)).status).toBe(204);
  });

  if (MODE === 'distributed') {
    it('a replica killed mid-check hands the check over within about one poll plus the heartbeat TTL, whatever the check timeout', async () => {
      const before = await monitors();
      const second = await sut.spawnReplica('health-monitor');
      const secondId = [...(await monitors())].find((i) => !before.has(i));
      expect(secondId).toBeDefined();
      const db = new Client({ connectionString: sut.databaseUrl() });
      await db.connect();
      try {
        sink.holdSlow = true;
        // A 30 s timeout: the lease of a claimed check runs 42 s past its slot.
        const created = await http.post('/api/v1/integrations', integration('health-failover', { endpoint: `http://127.0.0.1:${sink.port}/slow-health`, timeout_seconds: 30 }));
        expect(created.status).toBe(201);
        const id: string = created.body.id;
        await waitFor(() => sink.heldCount > 0, 20_000, 50, 'a check in flight');
        const owner = (await db.query(`SELECT lease_owner FROM health.schedule WHERE integration_id = $1`, [id])).rows[0].lease_owner;
        // The other live process: the first replica, or the first process if the first test killed that replica.
        const other = sut.replicas.find((r) => r !== second && r.child.exitCode === null);
        const seen = sink.slowHits.length;
        const killedAt = Date.now();
        if (owner === secondId) await sut.stopReplica(second, 'SIGKILL');
        else if (other) await sut.stopReplica(other, 'SIGKILL');
        else await sut.stopApp('health-monitor', 'SIGKILL');
        sink.holdSlow = false;
        sink.releaseHeld();
        // The survivor takes the slot over once the dead one's heartbeat (3 s TTL) has run out, not after 42 s.
        await waitFor(() => sink.slowHits.length > seen, 30_000, 50, 'the next check, by the survivor');
        expect(sink.slowHits[seen] - killedAt).toBeLessThan(8000);
        await waitFor(async () => (await health(id)).last_check?.outcome === 'SUCCESS', 10_000, 100, 'the check recorded');
      } finally {
        sink.holdSlow = false;
        sink.releaseHeld();
        await db.end();
      }
    }, 120_000);
  }

  it('answers bad input with 400 and an unknown integration with 404, as problem+json', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const path of [`/api/v1/integrations/${unknown}/health`, `/api/v1/integrations/${unknown}/health/history`]) {
      const res = await http.get(path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.code).toBe('INTEGRATION_NOT_FOUND');
    }
    const id = (await http.post('/api/v1/integrations', integration('health-input'))).body.id;
    for (const [path, field] of [
      ['/api/v1/integrations/not-a-uuid/health', 'id'],
      ['/api/v1/integrations/not-a-uuid/health/history', 'id'],
      [`/api/v1/integrations/${id}/health/history?limit=0`, 'limit'],
      [`/api/v1/integrations/${id}/health/history?limit=abc`, 'limit'],
      [`/api/v1/integrations/${id}/health/history?outcome=MAYBE`, 'outcome'],
      [`/api/v1/integrations/${id}/health/history?cursor=${Buffer.from('h:12x').toString('base64url')}`, 'cursor'],
      [`/api/v1/integrations/${id}/health/history?cursor=${Buffer.from('h:99999999999999999999').toString('base64url')}`, 'cursor'],
      [`/api/v1/integrations/${id}/health/history?cursor=%00%01`, 'cursor'],
      [`/api/v1/integrations/${id}/health/history?surprise=1`, 'surprise'],
    ]) {
      const res = await http.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });
});
