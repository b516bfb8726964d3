import { DeliveryOrderBy, DeliverySettingsDto } from '@app/contracts';
import { claimPlan, ORDER_KEY_MAX, orderKeyOf } from './delivery-order';

const settings = (over: Partial<DeliverySettingsDto>) => ({ ...new DeliverySettingsDto(), ...over });
const event = { type: 'fleet.resource.changed', subject: 'arn:aws:ec2:eu-west-1:123456789012:instance/i-1' };

describe('delivery order', () => {
  it('keys a delivery by what its integration orders by, when it is recorded', () => {
    expect(orderKeyOf(settings({}), event)).toBe('');
    expect(orderKeyOf(settings({ order_by: DeliveryOrderBy.SUBJECT }), event)).toBe(event.subject);
    expect(orderKeyOf(settings({ order_by: DeliveryOrderBy.EVENT_TYPE }), event)).toBe('fleet.resource.changed');
    // no subject: such events stay in order among themselves
    expect(orderKeyOf(settings({ order_by: DeliveryOrderBy.SUBJECT }), { type: 'fleet.sync.completed' })).toBe('');
    expect(orderKeyOf(settings({ order_by: DeliveryOrderBy.SUBJECT }), { ...event, subject: 'x'.repeat(2000) })).toHaveLength(ORDER_KEY_MAX);
  });

  it('claims one at a time per integration by default, up to max_in_flight keys otherwise', () => {
    expect(claimPlan(settings({}))).toEqual({ mode: DeliveryOrderBy.INTEGRATION, limit: 1 });
    expect(claimPlan(settings({ order_by: DeliveryOrderBy.SUBJECT, max_in_flight: 8 }))).toEqual({ mode: DeliveryOrderBy.SUBJECT, limit: 8 });
    expect(claimPlan(settings({ parallel: true, order_by: DeliveryOrderBy.SUBJECT, max_in_flight: 32 }))).toEqual({ mode: 'parallel', limit: 32 });
    // a row stored before order_by existed, or with a value this version does not know, keeps the strictest order
    expect(claimPlan(settings({ order_by: 'SHUFFLED' as DeliveryOrderBy }))).toEqual({ mode: DeliveryOrderBy.INTEGRATION, limit: 1 });
  });
});
