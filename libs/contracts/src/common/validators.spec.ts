import { LoginRequest, UpdateUserRequest } from '../auth/auth.dto';
import { AppException } from '../errors/app.exception';
import { validateInto } from '../errors/validate';
import { RunCommandBody } from '../fleet-commands/fleet-command-requests';
import { IntegrationConfigDto } from '../integrations/integration-config.dto';

function failure(cls: new () => object, input: unknown): AppException {
  try {
    validateInto(cls, input, 'request body');
  } catch (e) {
    return e as AppException;
  }
  throw new Error('expected a validation failure');
}

const fields = (e: AppException) => [...new Set(e.errors?.map((f) => f.field))];

describe('contract rules every input obeys', () => {
  it('refuses NUL and lone surrogates in any string or key, naming the field, before any other rule', () => {
    expect(fields(failure(LoginRequest, { username: 'a\u0000', password: 'x' }))).toEqual(['username']);
    expect(fields(failure(LoginRequest, { username: 'alice', password: 'pw\ud800' }))).toEqual(['password']);
    expect(fields(failure(LoginRequest, { username: 'alice', password: 'pw\udc00x' }))).toEqual(['password']);
    const nested = failure(IntegrationConfigDto, { name: 'n', type: 'WEBHOOK', direction: 'OUTBOUND', connection: { url: 'https://x', headers: { a: ['ok', 'b\u0000'] } } });
    expect(nested.errors).toEqual([{ field: 'connection.headers.a.1', message: 'connection.headers.a.1 must not contain NUL (\\u0000) or unpaired surrogate characters' }]);
    expect(fields(failure(IntegrationConfigDto, { name: 'n', metadata: { 'k\u0000': 1 } }))).toEqual(['metadata.k?']);
  });

  it('accepts a well-formed surrogate pair (an emoji) and other control characters the rules allow', () => {
    expect(validateInto(LoginRequest, { username: 'alice', password: 'pw 😀\t' })).toBeInstanceOf(LoginRequest);
  });

  it('treats an explicit null in an optional field as a value that must pass the rules', () => {
    const e = failure(UpdateUserRequest, { disabled: null });
    expect(e.status).toBe(400);
    expect(fields(e)).toEqual(['disabled']);
    expect(fields(failure(RunCommandBody, { command: 'sts get-caller-identity', targets: { account_ids: 'all', regions: '*' }, dry_run: null }))).toEqual(['dry_run']);
    expect(validateInto(UpdateUserRequest, {})).toBeInstanceOf(UpdateUserRequest);
  });

  it('refuses an array where a nested object belongs, naming the field', () => {
    expect(fields(failure(RunCommandBody, { command: 'sts get-caller-identity', targets: [], dry_run: true }))).toEqual(['targets']);
    expect(fields(failure(IntegrationConfigDto, { name: 'n', type: 'WEBHOOK', direction: 'OUTBOUND', auth: [] }))).toContain('auth');
  });
});
