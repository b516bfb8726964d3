import { CloudEvent, INBOUND_EVENT_TYPE } from '@app/contracts';
import { InProcessMessageBus } from '@app/messaging';
import { inboundEventId, InboundPublisher } from './inbound-publisher';
import { InboundRecord, InboundRepository, StoredInbound } from './inbound.repository';

/** The repository port in memory (the TypeORM adapter runs against PostgreSQL/PGlite in the e2e suite). */
class MemoryInboundRepository implements InboundRepository {
  readonly rows: StoredInbound[] = [];
  leases = new Map<string, string>();
  async seen(eventId: string) {
    return this.rows.some((r) => r.eventId === eventId);
  }
  async record(r: InboundRecord) {
    if (!(await this.seen(r.eventId))) this.rows.push({ ...r, receivedAt: new Date() });
  }
  async prune() {}
  async forget() {}
  async recent(id: string, limit: number) {
    return this.rows.filter((r) => r.integrationId === id).slice(-limit).reverse();
  }
  async tryLease(id: string, holder: string) {
    const h = this.leases.get(id);
    if (h && h !== holder) return false;
    this.leases.set(id, holder);
    return true;
  }
  async releaseLease(id: string, holder: string) {
    if (this.leases.get(id) === holder) this.leases.delete(id);
  }
  async listeningIds() {
    return [];
  }
}

describe('InboundPublisher', () => {
  const source = { id: '5f0e8a55-0000-4000-8000-000000000001', name: 'alerts', type: 'MESSAGE_QUEUE' };

  it('derives a stable UUID from integration id and source message id', () => {
    const a = inboundEventId(source.id, 'msg-1');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(inboundEventId(source.id, 'msg-1')).toBe(a);
    expect(inboundEventId(source.id, 'msg-2')).not.toBe(a);
    expect(inboundEventId('5f0e8a55-0000-4000-8000-000000000002', 'msg-1')).not.toBe(a);
  });

  it('publishes each source message once on integration.inbound.<id>, with the source id in the event', async () => {
    const bus = new InProcessMessageBus();
    const repo = new MemoryInboundRepository();
    const got: Array<{ subject: string; event: CloudEvent }> = [];
    bus.subscribe('integration.inbound.*', (event, subject) => got.push({ subject, event }));
    const publisher = new InboundPublisher(bus, repo);

    const first = await publisher.publish(source, { id: 'msg-1', data: { order: 42 }, attributes: { queue: 'q' } });
    await publisher.publish(source, { id: 'msg-1', data: { order: 42 } }); // redelivered
    await publisher.publish(source, { id: '', data: { no: 'id' } }); // identified by its content
    await publisher.publish(source, { id: '', data: { no: 'id' } });

    expect(got).toHaveLength(2);
    expect(got[0]).toEqual({
      subject: `integration.inbound.${source.id}`,
      event: expect.objectContaining({
        id: first.id,
        type: INBOUND_EVENT_TYPE,
        subject: source.id,
        data: { integration_id: source.id, integration_name: 'alerts', integration_type: 'MESSAGE_QUEUE', message_id: 'msg-1', attributes: { queue: 'q' }, payload: { order: 42 } },
      }),
    });
    expect((got[1].event.data as { message_id: string }).message_id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(repo.rows.map((r) => r.messageId)).toEqual(['msg-1', expect.stringMatching(/^sha256:/)]);
    await bus.close();
  });

  it('rejects (so the source keeps the message) when the bus cannot take it, and records nothing', async () => {
    const bus = new InProcessMessageBus();
    const repo = new MemoryInboundRepository();
    await bus.close();
    await expect(new InboundPublisher(bus, repo).publish(source, { id: 'm', data: 1 })).rejects.toThrow();
    expect(repo.rows).toHaveLength(0);
  });
});
