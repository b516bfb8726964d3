import type { CollectContext, CollectedResource, ResourceCollector } from '../inventory.types';
import { BUILT_IN_COLLECTORS, CollectorRegistry } from './collector.registry';
import { bucketRegion } from './s3.collector';
import { isoOrNull, pageSize, tagRecord, toJsonSafe } from './collector.utils';

/** A synthetic collector of the kind a benchmark registers: no AWS calls, N resources per region. */
const synthetic = (count: number): ResourceCollector => ({
  type: 'synthetic:thing',
  service: 'synthetic',
  global: false,
  async *collect(ctx: CollectContext): AsyncIterable<CollectedResource> {
    for (let i = 0; i < count; i++) {
      yield { arn: `arn:aws:synthetic:${ctx.region}:${ctx.accountId}:thing/${i}`, account_id: ctx.accountId, region: ctx.region, service: 'synthetic', type: 'synthetic:thing', name: `t${i}`, state: 'active', tags: {}, created_at: null, properties: {} };
    }
  },
});

describe('CollectorRegistry', () => {
  it('starts with the built-ins and accepts a plugin', async () => {
    const registry = new CollectorRegistry().registerCollector(synthetic(3));
    expect(registry.list()).toHaveLength(BUILT_IN_COLLECTORS.length + 1);
    const plugin = registry.get('synthetic:thing')!;
    const out: CollectedResource[] = [];
    for await (const r of plugin.collect({ accountId: '1', region: 'r', credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }) })) out.push(r);
    expect(out.map((r) => r.name)).toEqual(['t0', 't1', 't2']);
    expect(registry.list({ types: ['synthetic:thing', 'ec2:vpc'] }).map((c) => c.type)).toEqual(['ec2:vpc', 'synthetic:thing']);
    expect(registry.get('nope')).toBeUndefined();
  });

  it('refuses a duplicate type unless asked to replace it', () => {
    const registry = new CollectorRegistry([]);
    registry.registerCollector(synthetic(1));
    expect(() => registry.registerCollector(synthetic(2))).toThrow('synthetic:thing is already registered');
    const replacement = synthetic(2);
    registry.registerCollector(replacement, { replace: true });
    expect(registry.get('synthetic:thing')).toBe(replacement);
  });
});

describe('collector helpers', () => {
  it('makes raw SDK output JSON-safe', () => {
    const raw = { $metadata: { httpStatusCode: 200 }, When: new Date('2024-01-02T03:04:05Z'), Skip: undefined, Bytes: new Uint8Array([1, 2]), List: [new Date(0), { N: 1 }], Big: 10n };
    expect(toJsonSafe(raw)).toEqual({ When: '2024-01-02T03:04:05.000Z', Bytes: 'AQI=', List: ['1970-01-01T00:00:00.000Z', { N: 1 }], Big: '10' });
  });

  it('normalises tags, timestamps, page sizes and S3 locations', () => {
    expect(tagRecord([{ Key: 'a', Value: '1' }, { key: 'b', value: '2' }, { Key: 'c' }])).toEqual({ a: '1', b: '2', c: '' });
    expect(isoOrNull('1700000000.5')).toBe('2023-11-14T22:13:20.500Z');
    expect(isoOrNull(undefined)).toBeNull();
    const ctx = { accountId: '1', region: 'r', credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }) };
    expect([pageSize(ctx, 5, 1000), pageSize({ ...ctx, pageSize: 2 }, 5, 1000), pageSize({ ...ctx, pageSize: 5000 }, 5, 1000)]).toEqual([undefined, 5, 1000]);
    expect([bucketRegion(undefined), bucketRegion(''), bucketRegion('EU'), bucketRegion('ap-south-1')]).toEqual(['us-east-1', 'us-east-1', 'eu-west-1', 'ap-south-1']);
  });
});
