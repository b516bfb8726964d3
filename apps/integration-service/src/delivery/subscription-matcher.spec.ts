import { CloudEvent, SUBSCRIPTION_SUBJECT, SubscriptionDto } from '@app/contracts';
import { filtersMatch, isDeliverable, subscriptionsMatch } from './subscription-matcher';

const event = (type: string, data: unknown): CloudEvent => ({ specversion: '1.0', id: 'e1', source: '/t', type, time: new Date().toISOString(), data }) as CloudEvent;
const resource = { arn: 'arn:aws:ec2:us-west-2:123456789012:instance/i-1', account_id: '123456789012', region: 'us-west-2', service: 'ec2', type: 'instance', name: 'i-1', state: 'running', tags: { env: 'prod', team: 'ops' } };

describe('subscription matching', () => {
  it('matches NATS wildcards and never matches the pipeline\'s own events', () => {
    const subs: SubscriptionDto[] = [{ subjects: ['fleet.resource.*', 'integration.>'] }];
    expect(subscriptionsMatch(subs, 'fleet.resource.discovered', event('fleet.resource.discovered', { resource }))).toBe(true);
    expect(subscriptionsMatch(subs, 'fleet.account.created', event('fleet.account.created', {}))).toBe(false);
    expect(subscriptionsMatch(subs, 'integration.created', event('integration.created', {}))).toBe(true);
    expect(subscriptionsMatch(subs, 'integration.delivery.failed', event('integration.delivery.failed', {}))).toBe(false);
    expect(subscriptionsMatch(subs, 'integration.circuit.changed', event('integration.circuit.changed', {}))).toBe(false);
    expect(isDeliverable('integration.inbound.abc.received')).toBe(false);
  });

  it('applies account, region, resource type and tag filters on the resource of fleet events', () => {
    const data = { resource, sync_id: 's' };
    expect(filtersMatch({ account_id: '123456789012', region: 'us-west-2', resource_type: 'ec2:instance', tags: { env: 'prod' } }, data)).toBe(true);
    expect(filtersMatch({ resource_type: 'instance' }, data)).toBe(true);
    expect(filtersMatch({ region: 'eu-west-1' }, data)).toBe(false);
    expect(filtersMatch({ tags: { env: 'dev' } }, data)).toBe(false);
    expect(filtersMatch({ account_id: '123456789012' }, { something: 'else' })).toBe(false);
  });

  it('accepts subject patterns under the event domains only', () => {
    for (const ok of ['fleet.>', 'health.check.*', 'integration.status.changed', 'fleet.*.discovered']) expect(SUBSCRIPTION_SUBJECT.test(ok)).toBe(true);
    for (const bad of ['rpc.integration.get', '>', 'fleet.>.x', 'fleet..x', 'fleet.re source', '*.resource.discovered', 'fleetx.y']) expect(SUBSCRIPTION_SUBJECT.test(bad)).toBe(false);
  });
});
