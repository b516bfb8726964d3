import { validateInto } from '../errors/validate';
import { HEALTH_LIST_MAX_IDS, ListIntegrationHealthRequest } from './health-view.dto';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('ListIntegrationHealthRequest (rpc.health.list)', () => {
  it('takes 1 to HEALTH_LIST_MAX_IDS UUIDs', () => {
    expect(validateInto(ListIntegrationHealthRequest, { ids: [id(1)] }).ids).toEqual([id(1)]);
    expect(validateInto(ListIntegrationHealthRequest, { ids: Array.from({ length: HEALTH_LIST_MAX_IDS }, (_, i) => id(i)) }).ids).toHaveLength(HEALTH_LIST_MAX_IDS);
  });

  it.each([
    ['none', { ids: [] }],
    ['too many', { ids: Array.from({ length: HEALTH_LIST_MAX_IDS + 1 }, (_, i) => id(i)) }],
    ['not UUIDs', { ids: [id(1), 'integration-2'] }],
    ['not a list', { ids: id(1) }],
    ['missing', {}],
  ])('refuses %s with VALIDATION_FAILED naming ids', (_what, payload) => {
    let refused: unknown;
    try {
      validateInto(ListIntegrationHealthRequest, payload);
    } catch (e) {
      refused = e;
    }
    expect(refused).toMatchObject({ code: 'VALIDATION_FAILED', message: 'The payload has 1 invalid field: ids' });
  });
});
