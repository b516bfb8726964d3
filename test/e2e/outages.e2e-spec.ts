import { HoldingProxy, PostgresCluster, startHoldingProxy, startMoto, startPostgresCluster, SystemUnderTest, waitFor, type MotoServer } from '@app/testing';

/**
 * A dependency that goes away: PostgreSQL stopped (never this machine's shared one: private clusters started here),
 * NATS killed (distributed mode: the system's own nats-server). A dependency that is down is 503
 * SERVICE_UNAVAILABLE with Retry-After from every app, as a missing NATS responder is; a sync caught by a database
 * outage ends with that reason as soon as the database is back.
 *
 * Distributed: the services' databases live on one private cluster and the gateway's on another, so a service's
 * outage is seen through a gateway that still works (its 503 crosses NATS), and then the gateway's own.
 * Standalone: the one process on one private cluster (DATABASE_URL instead of PGlite).
 */
const MODE = (process.env.E2E_MODE ?? 'standalone') as 'standalone' | 'distributed';
const ACCOUNT = '123456789012';

const expectUnavailable = (res: { status: number; headers: Headers; body: any }, what: string) => {
  expect({ what, status: res.status, code: res.body?.code }).toEqual({ what, status: 503, code: 'SERVICE_UNAVAILABLE' });
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.headers.get('retry-after')).toBe('5');
};

describe(`Outages of PostgreSQL and NATS (${MODE})`, () => {
  let services: PostgresCluster;
  let gatewayDb: PostgresCluster | undefined;
  let moto: MotoServer;
  let proxy: HoldingProxy;
  let sut: SystemUnderTest;
  let http: ReturnType<SystemUnderTest['api']>;

  beforeAll(async () => {
    services = await startPostgresCluster();
    if (MODE === 'distributed') gatewayDb = await startPostgresCluster();
    moto = await startMoto();
    proxy = await startHoldingProxy(moto.endpoint);
    sut = await SystemUnderTest.start(MODE, {
      postgresUrl: services.url,
      ...(gatewayDb ? { appPostgresUrl: { gateway: gatewayDb.url } } : {}),
      env: { ...moto.env, AWS_ENDPOINT_URL: proxy.endpoint, MCP_FLEET_SCHEDULER_INTERVAL_SECONDS: '0' },
    });
    http = sut.api();
    await sut.keyFor('viewer'); // made now: the outage tests need it while the gateway's database is down
    expect((await http.post('/api/v1/accounts', { account_id: ACCOUNT, name: 'default', regions: ['us-east-1'] })).status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    proxy?.release();
    if (services && !services.running) services.start();
    if (gatewayDb && !gatewayDb.running) gatewayDb.start();
    await sut?.stop();
    await proxy?.stop();
    await moto?.stop();
    services?.destroy();
    gatewayDb?.destroy();
  }, 60_000);

  it('a database that is down answers 503 with Retry-After, and a sync it interrupted ends with the reason once it is back', async () => {
    proxy.hold('DescribeInstances');
    const started = await http.post('/api/v1/inventory/sync', { account_ids: [ACCOUNT], regions: ['us-east-1'] });
    expect(started.status).toBe(202);
    const id: string = started.body.id;
    await waitFor(() => proxy.waiting > 0, 60_000, 100, 'the sync to wait on DescribeInstances');

    services.stop('fast');
    // Each service's database is gone: fleet-service, integration-service, health-monitor (the gateway's, in
    // distributed mode, is not: the 503 crosses NATS from the service).
    expectUnavailable(await http.get('/api/v1/accounts'), 'fleet-service');
    expectUnavailable(await http.get(`/api/v1/inventory/sync/${id}`), 'fleet-service sync');
    expectUnavailable(await http.get('/api/v1/integrations'), 'integration-service');
    expectUnavailable(await http.get('/api/v1/integrations/00000000-0000-4000-8000-000000000000/health'), 'health-monitor');
    expectUnavailable(await http.post('/api/v1/integrations', { name: 'during-outage', description: 'x', type: 'REST_API', direction: 'OUTBOUND', connection: { url: 'https://api.example.com' } }), 'a write');
    if (MODE === 'distributed') expect((await http.post('/api/v1/auth/login', { username: 'admin', password: sut.adminPassword })).status).toBe(200);

    // The collector gets its page back and the sync's write finds no database.
    proxy.release();
    const fleetLog = () => sut.logOf(MODE === 'distributed' ? 'fleet-service' : 'standalone');
    await waitFor(() => fleetLog().includes(`sync ${id} failed`), 30_000, 200, 'the sync to fail on its database');

    services.start();
    const back = Date.now();
    // Well within the lease (120 s), which used to end it "interrupted … its instance is gone".
    await waitFor(async () => (await http.get(`/api/v1/inventory/sync/${id}`)).body?.status === 'FAILED', 30_000, 250, 'the sync to end');
    expect(Date.now() - back).toBeLessThan(30_000);
    const run = (await http.get(`/api/v1/inventory/sync/${id}`)).body;
    expect(run.status_reason).toMatch(/^database unavailable: (ECONNREFUSED|Connection terminated|terminating connection)/);
    expect(run.tasks.find((t: any) => t.region === 'us-east-1')).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/^database unavailable: /) });
    expect(run.tasks.filter((t: any) => t.status === 'RUNNING' || t.status === 'PENDING')).toEqual([]);
    expect(fleetLog()).not.toMatch(/is gone/);
    expect((await http.get('/api/v1/integrations?q=during-outage')).body.total).toBe(0);

    // And the account syncs normally again.
    const again = await http.post('/api/v1/inventory/sync', { account_ids: [ACCOUNT], regions: ['us-east-1'] });
    await waitFor(async () => (await http.get(`/api/v1/inventory/sync/${again.body.id}`)).body?.status === 'SUCCEEDED', 60_000, 250, 'a new sync');
  }, 180_000);

  it("the gateway's own database down: login and authenticated calls answer 503 with Retry-After", async () => {
    const db = gatewayDb ?? services;
    db.stop('immediate'); // a crash this time: recovery at the next start
    try {
      expectUnavailable(await sut.anonymous().post('/api/v1/auth/login', { username: 'admin', password: sut.adminPassword }), 'login');
      expectUnavailable(await sut.api('viewer').get('/api/v1/integrations'), 'an authenticated read');
    } finally {
      db.start();
    }
    await waitFor(async () => (await sut.anonymous().post('/api/v1/auth/login', { username: 'admin', password: sut.adminPassword })).status === 200, 20_000, 250, 'login to work again');
  }, 60_000);

  if (MODE === 'distributed') {
    it('NATS unreachable: the gateway answers 503 at once (not after the request timeout), and recovers with NATS', async () => {
      await sut.stopNats('SIGKILL');
      try {
        // Known down as soon as the socket closed: no request waits its 5 s timeout.
        await waitFor(async () => (await fetch(`${sut.baseUrl}/health/ready`)).status === 503, 10_000, 100, 'the gateway to see NATS go');
        for (let i = 0; i < 3; i++) {
          const t0 = Date.now();
          const res = await http.get('/api/v1/integrations');
          expect(Date.now() - t0).toBeLessThan(2000);
          expectUnavailable(res, 'NATS down');
          expect(res.body.detail).toMatch(/NATS/);
        }
      } finally {
        await sut.startNats();
      }
      await waitFor(async () => (await http.get('/api/v1/integrations')).status === 200, 30_000, 250, 'requests to work again');
    }, 60_000);
  }
});
