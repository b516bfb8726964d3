import { AppException, createCloudEvent, RpcSubjects } from '@app/contracts';
import { InProcessMessageBus } from './in-process-message-bus';
import { subjectMatches } from './message-bus';

describe('subjectMatches', () => {
  it.each([
    ['fleet.resource.*', 'fleet.resource.discovered', true],
    ['fleet.resource.*', 'fleet.resource.a.b', false],
    ['health.>', 'health.check.completed', true],
    ['health.>', 'health', false],
    ['integration.created', 'integration.created', true],
    ['*.created', 'integration.created', true],
    ['integration.*', 'fleet.created', false],
  ])('%s ~ %s = %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });
});

describe('InProcessMessageBus (standalone semantics match NATS)', () => {
  it('answers a request from one member of a queue group, across a JSON boundary', async () => {
    const bus = new InProcessMessageBus();
    const seen: string[] = [];
    bus.serve(RpcSubjects.IntegrationGet, async (p) => { seen.push('a'); return { echo: p, at: new Date(0) }; }, { queue: 'svc' });
    bus.serve(RpcSubjects.IntegrationGet, async (p) => { seen.push('b'); return { echo: p, at: new Date(0) }; }, { queue: 'svc' });
    const r1 = await bus.request(RpcSubjects.IntegrationGet, { id: '1' });
    await bus.request(RpcSubjects.IntegrationGet, { id: '2' });
    expect(r1).toEqual({ echo: { id: '1' }, at: '1970-01-01T00:00:00.000Z' });
    expect(seen.sort()).toEqual(['a', 'b']);
  });

  it('rebuilds the handler\'s AppException on the caller side, and hides unknown errors', async () => {
    const bus = new InProcessMessageBus();
    bus.serve(RpcSubjects.IntegrationGet, async () => { throw new AppException('INTEGRATION_NOT_FOUND', 'nope'); }, { queue: 's' });
    bus.serve(RpcSubjects.IntegrationDelete, async () => { throw new Error('db password is hunter2'); }, { queue: 's' });
    await expect(bus.request(RpcSubjects.IntegrationGet, { id: 'x' })).rejects.toMatchObject({ code: 'INTEGRATION_NOT_FOUND', status: 404, message: 'nope' });
    const err = (await bus.request(RpcSubjects.IntegrationDelete, { id: 'x' }).catch((e: unknown) => e)) as AppException;
    expect(err).toMatchObject({ code: 'INTERNAL_ERROR', status: 500 });
    expect(err.message).not.toContain('hunter2');
  });

  it('is SERVICE_UNAVAILABLE with no responder and UPSTREAM_TIMEOUT when the handler is too slow', async () => {
    const bus = new InProcessMessageBus(50);
    await expect(bus.request(RpcSubjects.IntegrationGet, { id: 'x' })).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
    bus.serve(RpcSubjects.HealthGet, () => new Promise((r) => setTimeout(r, 500)), { queue: 's' });
    await expect(bus.request(RpcSubjects.HealthGet, { id: 'x' })).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT', status: 503 });
  });

  it('waits as long as the subject\'s contract says, or the caller\'s bound where the contract leaves it to the call', async () => {
    const bus = new InProcessMessageBus(50);
    const slow = () => new Promise((r) => setTimeout(() => r({ replayed: 1 }), 200));
    bus.serve(RpcSubjects.IntegrationReplay, slow, { queue: 's' });
    // 200 ms is over the bus default (50 ms) but inside the replay contract's bound.
    await expect(bus.request(RpcSubjects.IntegrationReplay, { id: 'x', since: '2024-01-01T00:00:00Z' })).resolves.toEqual({ replayed: 1 });
    bus.serve(RpcSubjects.IntegrationProbe, slow, { queue: 's' });
    await expect(bus.request(RpcSubjects.IntegrationProbe, { id: 'x' }, { timeoutMs: 500 })).resolves.toEqual({ replayed: 1 });
    const err = (await bus.request(RpcSubjects.IntegrationProbe, { id: 'x' }, { timeoutMs: 20 }).catch((e: unknown) => e)) as AppException;
    expect(err).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    expect(err.message).toContain('20 ms');
  });

  it('gathers a reply from every instance', async () => {
    const bus = new InProcessMessageBus();
    bus.serve(RpcSubjects.SystemPing, async () => 'a');
    bus.serve(RpcSubjects.SystemPing, async () => 'b');
    expect((await bus.gather(RpcSubjects.SystemPing, {})).sort()).toEqual(['a', 'b']);
  });

  it('delivers events to a durable consumer in order, redelivers on failure and drops duplicate ids', async () => {
    const bus = new InProcessMessageBus();
    const got: Array<{ n: number; redelivered: boolean }> = [];
    let failOnce = true;
    await bus.consume({
      durable: 'c1',
      subjects: ['fleet.>'],
      handler: async (e, d) => {
        const n = (e.data as { n: number }).n;
        if (n === 2 && failOnce) {
          failOnce = false;
          throw new Error('transient');
        }
        got.push({ n, redelivered: d.redelivered });
      },
    });
    const e1 = createCloudEvent({ type: 'fleet.resource.discovered', source: 't', data: { n: 1 } });
    await bus.publish(e1);
    await bus.publish(e1); // same id: dropped, as Nats-Msg-Id does
    await bus.publish(createCloudEvent({ type: 'fleet.resource.changed', source: 't', data: { n: 2 } }));
    await bus.publish(createCloudEvent({ type: 'integration.created', source: 't', data: { n: 99 } }));
    await bus.publish(createCloudEvent({ type: 'fleet.resource.removed', source: 't', data: { n: 3 } }));
    const deadline = Date.now() + 5000;
    while (got.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual([{ n: 1, redelivered: false }, { n: 2, redelivered: true }, { n: 3, redelivered: false }]);
  });
});

describe('InProcessMessageBus.stream', () => {
  const event = (type: string, n: number) => createCloudEvent({ type, source: 'test', data: { n } });

  it('replays the kept history after a sequence, then follows live events, in order and filtered', async () => {
    const bus = new InProcessMessageBus(1000, 3);
    for (let i = 1; i <= 4; i++) await bus.publish(event(i % 2 ? 'fleet.resource.discovered' : 'health.status.changed', i));
    const got: Array<[number, number]> = [];
    const sub = await bus.stream(['fleet.resource.*', 'health.>'], { afterSequence: 2 }, (e, pos) => got.push([pos.sequence, (e.data as { n: number }).n]));
    await bus.publish(event('fleet.resource.changed', 5));
    await bus.publish(event('integration.created', 6));
    expect(got).toEqual([
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
    await sub.close();
    await bus.publish(event('fleet.resource.changed', 7));
    expect(got).toHaveLength(3);
  });

  it('without a sequence delivers only new events; history is bounded', async () => {
    const bus = new InProcessMessageBus(1000, 2);
    for (let i = 1; i <= 5; i++) await bus.publish(event('fleet.x', i));
    const live: number[] = [];
    await bus.stream(['fleet.>'], {}, (_e, pos) => live.push(pos.sequence));
    const replay: number[] = [];
    await bus.stream(['fleet.>'], { afterSequence: 0 }, (_e, pos) => replay.push(pos.sequence));
    await bus.publish(event('fleet.x', 6));
    expect(live).toEqual([6]);
    expect(replay).toEqual([4, 5, 6]);
  });
});
