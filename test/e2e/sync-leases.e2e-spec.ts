import { connect, NatsConnection } from 'nats';
import { Client } from 'pg';
import { HoldingProxy, startHoldingProxy, startMoto, SystemUnderTest, waitFor, type MotoServer } from '@app/testing';

/**
 * Syncs that outlive their lease or their process. AWS is moto behind a proxy that can hold DescribeInstances,
 * so a sync's regional task waits on AWS for as long as a test needs. The lease is the shortest allowed (30 s:
 * renewed every 7.5 s, and the sweep that ends orphans runs as often).
 *
 * Distributed: two fleet-service replicas with periodic sync on; a periodic sync running past its lease keeps it
 * (renewed): the other replica neither starts the account again nor ends the run. A graceful stop ends the
 * instance's run FAILED "interrupted" before it exits; a SIGKILL leaves it RUNNING until the restarted instance's
 * sweep ends it, once its lease has expired. Standalone: after a SIGKILL the start ends every run left RUNNING.
 */
const MODE = (process.env.E2E_MODE ?? 'standalone') as 'standalone' | 'distributed';
const ACCOUNT = '123456789012';
const LEASE_SECONDS = 30;

describe(`Fleet sync leases and interrupted runs (${MODE})`, () => {
  let moto: MotoServer;
  let proxy: HoldingProxy;
  let sut: SystemUnderTest;
  let http: ReturnType<SystemUnderTest['api']>;
  let db: Client | undefined;
  let nc: NatsConnection | undefined;
  const completed: any[] = [];
  /** Every fleet.> event seen on NATS, by id (a wildcard watcher also sees each JetStream delivery of an event). */
  const fleetEvents = new Map<string, any>();

  const runs = async () => (await db!.query(`SELECT id, status, trigger, lease_owner, lease_until FROM fleet.sync_runs ORDER BY started_at`)).rows;
  const account = async () => (await db!.query(`SELECT lease_owner, lease_until, lease_token, next_sync_at FROM fleet.accounts WHERE account_id = $1`, [ACCOUNT])).rows[0];
  const getRun = async (id: string) => (await http.get(`/api/v1/inventory/sync/${id}`)).body;
  /** Starts an on-demand sync whose regional task then waits on the held DescribeInstances. */
  const heldSync = async (): Promise<string> => {
    proxy.hold('DescribeInstances');
    const res = await http.post('/api/v1/inventory/sync', { account_ids: [ACCOUNT] });
    expect(res.status).toBe(202);
    await waitFor(() => proxy.waiting > 0, 60_000, 100, 'the regional task to call DescribeInstances');
    return res.body.id as string;
  };
  const expectInterrupted = (run: any) => {
    expect(run).toMatchObject({ status: 'FAILED', status_reason: 'interrupted: fleet-service stopped while the sync ran', finished_at: expect.any(String) });
    const regional = run.tasks.find((t: any) => t.region === 'us-east-1');
    expect(regional).toMatchObject({ status: 'FAILED', error: expect.stringContaining('interrupted'), finished_at: expect.any(String) });
    expect(run.tasks.filter((t: any) => t.status === 'RUNNING' || t.status === 'PENDING')).toEqual([]);
  };

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startHoldingProxy(moto.endpoint);
    sut = await SystemUnderTest.start(MODE, {
      env: {
        ...moto.env,
        AWS_ENDPOINT_URL: proxy.endpoint,
        MCP_FLEET_LEASE_SECONDS: String(LEASE_SECONDS),
        // Distributed: periodic sync on, so that two replicas compete for the account; standalone: on demand only.
        MCP_FLEET_SCHEDULER_INTERVAL_SECONDS: MODE === 'distributed' ? '2' : '0',
      },
    });
    http = sut.api();
    if (MODE === 'distributed') {
      db = new Client({ connectionString: sut.databaseUrl() });
      await db.connect();
      nc = await connect({ servers: sut.natsUrl });
      const sub = nc.subscribe('fleet.sync.completed');
      void (async () => {
        for await (const m of sub) completed.push(JSON.parse(new TextDecoder().decode(m.data)).data);
      })();
      const all = nc.subscribe('fleet.>');
      void (async () => {
        for await (const m of all) {
          const e = JSON.parse(new TextDecoder().decode(m.data));
          fleetEvents.set(e.id, e);
        }
      })();
    }
  }, 240_000);

  afterAll(async () => {
    proxy?.release();
    await nc?.close();
    await db?.end();
    await sut?.stop();
    await proxy?.stop();
    await moto?.stop();
  }, 60_000);

  if (MODE === 'distributed') {
    it('a periodic sync longer than its lease keeps it: the other replica neither syncs the account too nor ends the run', async () => {
      await sut.spawnReplica('fleet-service');
      proxy.hold('DescribeInstances');
      const created = await http.post('/api/v1/accounts', { account_id: ACCOUNT, name: 'default', regions: ['us-east-1'] });
      expect(created.status).toBe(201);
      await waitFor(async () => (await runs()).length === 1 && proxy.waiting > 0, 60_000, 200, 'the periodic sync to wait on DescribeInstances');
      const [run] = await runs();
      const claimed = await account();
      expect(run).toMatchObject({ status: 'RUNNING', trigger: 'SCHEDULE' });
      expect(claimed.lease_owner).toBe(run.lease_owner);

      // Past the lease and a sweep: both replicas poll every 2 s and sweep every 7.5 s meanwhile.
      const until = Date.now() + (LEASE_SECONDS + 15) * 1000;
      while (Date.now() < until) {
        const now = await runs();
        expect(now.map((r: any) => [r.id, r.status])).toEqual([[run.id, 'RUNNING']]);
        expect((await account()).lease_token).toBe(claimed.lease_token);
        await new Promise((r) => setTimeout(r, 1000));
      }
      // Renewed: both leases now end well after the claim's original end.
      expect((await account()).lease_until.getTime()).toBeGreaterThan(claimed.lease_until.getTime() + 10_000);
      expect((await runs())[0].lease_until.getTime()).toBeGreaterThan(run.lease_until.getTime() + 10_000);
      expect((await getRun(run.id)).tasks.find((t: any) => t.region === 'us-east-1').status).toBe('RUNNING');

      proxy.release();
      await waitFor(async () => (await getRun(run.id)).status !== 'RUNNING', 60_000, 250, 'the sync to finish');
      const done = await getRun(run.id);
      expect(done).toMatchObject({ status: 'SUCCEEDED', trigger: 'SCHEDULE', status_reason: null, tasks_failed: 0 });
      // No request started it: the run got a correlation id of its own, and every event it caused carries it.
      await waitFor(() => [...fleetEvents.values()].some((e) => e.type === 'fleet.sync.completed' && e.data.id === run.id), 10_000, 100, 'fleet.sync.completed');
      const ofRun = [...fleetEvents.values()].filter((e) => e.data?.sync_id === run.id || (e.type === 'fleet.sync.completed' && e.data.id === run.id));
      expect(ofRun.filter((e) => e.type === 'fleet.resource.discovered').length).toBeGreaterThan(0);
      expect(ofRun.filter((e) => typeof e.correlationid !== 'string')).toEqual([]);
      expect(new Set(ofRun.map((e) => e.correlationid)).size).toBe(1);
      // and so does every other fleet event (the account's, from the request that created it)
      expect([...fleetEvents.values()].filter((e) => typeof e.correlationid !== 'string').map((e) => e.type)).toEqual([]);
      // Released with the next sync an interval away; still the only run.
      await waitFor(async () => (await account()).lease_token === null, 10_000, 100, 'the lease to be released');
      expect((await account()).next_sync_at.getTime()).toBeGreaterThan(Date.now() + 55 * 60_000);
      expect((await runs()).map((r: any) => r.id)).toEqual([run.id]);
      await sut.stopReplica(sut.replicas[0]);
    }, 240_000);

    it('a graceful stop ends the instance\'s running sync FAILED "interrupted" before it exits', async () => {
      const id = await heldSync();
      expect(await sut.stopApp('fleet-service', 'SIGTERM')).toBe(0);
      const row = (await db!.query(`SELECT status, status_reason FROM fleet.sync_runs WHERE id = $1`, [id])).rows[0];
      expect(row).toEqual({ status: 'FAILED', status_reason: 'interrupted: fleet-service stopped while the sync ran' });
      await waitFor(() => completed.some((c) => c.id === id), 10_000, 100, 'fleet.sync.completed');
      proxy.release();
      await sut.spawnApp('fleet-service');
      expectInterrupted(await getRun(id));
    }, 180_000);
  }

  it('a sync whose fleet-service was killed ends FAILED "interrupted" after the restart, within a bounded time', async () => {
    if (MODE === 'standalone') {
      await http.post('/api/v1/accounts', { account_id: ACCOUNT, name: 'default', regions: ['us-east-1'] });
    }
    const id = await heldSync();
    const app = MODE === 'distributed' ? 'fleet-service' : 'standalone';
    const killedAt = Date.now();
    await sut.stopApp(app, 'SIGKILL');
    await sut.spawnApp(app);
    // Standalone: ended by the start (the only instance). Distributed: by a sweep once the lease expired.
    await waitFor(async () => (await getRun(id)).status !== 'RUNNING', (LEASE_SECONDS + 30) * 1000, 500, 'the run to be ended');
    const elapsed = Date.now() - killedAt;
    expectInterrupted(await getRun(id));
    if (MODE === 'distributed') {
      // Not before its lease could have expired (renewed at most 7.5 s before the kill).
      expect(elapsed).toBeGreaterThanOrEqual((LEASE_SECONDS - 10) * 1000);
      await waitFor(() => completed.some((c) => c.id === id), 10_000, 100, 'fleet.sync.completed');
      expect(completed.filter((c) => c.id === id)).toEqual([expect.objectContaining({ status: 'FAILED', status_reason: expect.stringContaining('interrupted'), tasks_failed: expect.any(Number) })]);
    }
    proxy.release();
    // The account syncs again normally afterwards.
    const again = await http.post('/api/v1/inventory/sync', { account_ids: [ACCOUNT] });
    await waitFor(async () => (await getRun(again.body.id)).status !== 'RUNNING', 60_000, 250, 'a new sync');
    expect((await getRun(again.body.id)).status).toBe('SUCCEEDED');
  }, 240_000);
});
