import { DataSource } from 'typeorm';
import { Connector } from '../connectors';
import { ConnectorContextFactory } from '../integrations/connector-context.factory';
import { ConnectorCache } from './connector-cache';

function fakeConnector(initialize: () => Promise<void>) {
  return { initialize: jest.fn(initialize), close: jest.fn(async () => undefined) };
}

describe('ConnectorCache', () => {
  const ds = { getRepository: () => ({ findOneBy: async ({ id }: { id: string }) => ({ id }) }) } as unknown as DataSource;

  it('closes a connector whose initialize failed, and builds a new one on the next call', async () => {
    const broken = fakeConnector(async () => Promise.reject(new Error('peer down')));
    const healthy = fakeConnector(async () => undefined);
    const made = [broken, healthy];
    const factory = { create: () => made.shift() } as unknown as ConnectorContextFactory;
    const cache = new ConnectorCache(factory, ds);

    await expect(cache.get('i-1', 1)).rejects.toThrow('peer down');
    expect(broken.close).toHaveBeenCalledTimes(1);
    await expect(cache.get('i-1', 1)).resolves.toBe(healthy as unknown as Connector);
    await expect(cache.get('i-1', 1)).resolves.toBe(healthy as unknown as Connector);
    expect(healthy.initialize).toHaveBeenCalledTimes(1);
    await cache.closeAll();
    expect(healthy.close).toHaveBeenCalledTimes(1);
  });

  it('a failed older build does not evict the newer connector that replaced it', async () => {
    let fail!: (e: Error) => void;
    const slowBroken = fakeConnector(() => new Promise<void>((_, reject) => (fail = reject)));
    const newer = fakeConnector(async () => undefined);
    const made = [slowBroken, newer];
    const factory = { create: () => made.shift() } as unknown as ConnectorContextFactory;
    const cache = new ConnectorCache(factory, ds);

    const first = cache.get('i-1', 1);
    await new Promise((r) => setImmediate(r));
    await expect(cache.get('i-1', 2)).resolves.toBe(newer as unknown as Connector); // the integration changed
    fail(new Error('late failure'));
    await expect(first).rejects.toThrow('late failure');
    await expect(cache.get('i-1', 2)).resolves.toBe(newer as unknown as Connector);
    expect(newer.initialize).toHaveBeenCalledTimes(1);
    await cache.closeAll();
  });
});
