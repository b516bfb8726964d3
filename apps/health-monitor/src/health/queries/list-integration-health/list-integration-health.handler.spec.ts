import { AppException, IntegrationHealthDto, integrationNotFound } from '@app/contracts';
import { GetIntegrationHealthHandler } from '../get-integration-health/get-integration-health.handler';
import { GetIntegrationHealthQuery } from '../get-integration-health/get-integration-health.query';
import { ListIntegrationHealthHandler } from './list-integration-health.handler';
import { ListIntegrationHealthQuery } from './list-integration-health.query';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const GHOST = '00000000-0000-4000-8000-000000000000';

/** The one-integration handler, stubbed: known ids answer (after a delay that reverses their order), others are not found. */
function handlerOver(known: string[], fail?: string) {
  const asked: string[] = [];
  const one = {
    execute: async ({ integrationId: id }: GetIntegrationHealthQuery) => {
      asked.push(id);
      await new Promise((r) => setTimeout(r, known.length - known.indexOf(id)));
      if (id === fail) throw new AppException('SERVICE_UNAVAILABLE', 'database down');
      if (!known.includes(id)) throw integrationNotFound(id);
      return { integration_id: id, status: 'HEALTHY' } as IntegrationHealthDto;
    },
  };
  return { handler: new ListIntegrationHealthHandler(one as unknown as GetIntegrationHealthHandler), asked };
}

describe('ListIntegrationHealthHandler', () => {
  it('answers each known id in the order asked, once per id, and lists unknown ones as missing', async () => {
    const { handler, asked } = handlerOver([A, B]);
    const out = await handler.execute(new ListIntegrationHealthQuery([B, GHOST, A, B]));
    expect(out).toEqual({ items: [{ integration_id: B, status: 'HEALTHY' }, { integration_id: A, status: 'HEALTHY' }], missing: [GHOST] });
    expect(asked.sort()).toEqual([GHOST, A, B].sort());
  });

  it('fails as a whole on any other error, so a page never shows a partial answer as complete', async () => {
    const { handler } = handlerOver([A, B], B);
    await expect(handler.execute(new ListIntegrationHealthQuery([A, B]))).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
