import { IntegrationStatus as S } from '@app/contracts';
import { assertTransition, canTransition } from './integration-lifecycle';

describe('integration lifecycle', () => {
  it.each([
    [S.CONFIGURING, S.TESTING],
    [S.TESTING, S.ACTIVE],
    [S.TESTING, S.ERROR],
    [S.ACTIVE, S.ERROR],
    [S.ERROR, S.ACTIVE],
    [S.ACTIVE, S.INACTIVE],
    [S.INACTIVE, S.CONFIGURING],
    [S.ERROR, S.DEPRECATED],
  ])('allows %s → %s', (from, to) => expect(canTransition(from, to)).toBe(true));

  it.each([
    [S.INACTIVE, S.ACTIVE],
    [S.INACTIVE, S.TESTING],
    [S.DEPRECATED, S.ACTIVE],
    [S.DEPRECATED, S.INACTIVE],
    [S.CONFIGURING, S.CONFIGURING],
  ])('refuses %s → %s', (from, to) => expect(canTransition(from, to)).toBe(false));

  it('answers a deprecated integration with its own code, others with INVALID_TRANSITION', () => {
    expect(() => assertTransition(S.DEPRECATED, S.ACTIVE, 'x')).toThrow(expect.objectContaining({ code: 'INTEGRATION_DEPRECATED', status: 409 }));
    expect(() => assertTransition(S.INACTIVE, S.ACTIVE, 'x')).toThrow(expect.objectContaining({ code: 'INTEGRATION_INVALID_TRANSITION', status: 409 }));
  });
});
