import { requesterOf } from './fleet-commands.service';

describe('requesterOf', () => {
  it('takes the name and role of the authenticated identity', () => {
    expect(requesterOf({ name: 'alice', role: 'operator' })).toEqual({ name: 'alice', role: 'operator' });
  });

  it('makes a caller without identity an anonymous viewer, who may only run reads', () => {
    expect(requesterOf(undefined)).toEqual({ name: 'anonymous', role: 'viewer' });
  });

  it('bounds the name; an unknown role is passed on for fleet-service to refuse', () => {
    expect(requesterOf({ name: 'x'.repeat(300), role: 'root' })).toEqual({ name: 'x'.repeat(256), role: 'root' });
  });
});
