import { AppException } from '../errors/app.exception';
import { validateInto } from '../errors/validate';
import { IntegrationConfigDto } from './integration-config.dto';

describe('IntegrationConfigDto', () => {
  const minimal = { name: 'hook', type: 'WEBHOOK', direction: 'OUTBOUND', connection: { url: 'https://hooks.example.com/in' } };

  it('takes a config without a description (empty), and names a bad one for what it is', () => {
    expect(validateInto(IntegrationConfigDto, minimal).description).toBe('');
    expect(validateInto(IntegrationConfigDto, { ...minimal, description: 'ops' }).description).toBe('ops');
    const tooLong = (() => {
      try {
        validateInto(IntegrationConfigDto, { ...minimal, description: 'x'.repeat(2001) });
      } catch (e) {
        return e as AppException;
      }
    })();
    expect(tooLong?.errors).toEqual([expect.objectContaining({ field: 'description', message: expect.stringContaining('2000') })]);
  });
});
