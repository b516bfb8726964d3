import { CLI_POLICY_CODES } from '@app/cli-executor';
import { AppException, ERROR_CATALOGUE, RunCommandBody, RunCommandRequest, validateInto } from '@app/contracts';

function refusal(fn: () => unknown): AppException {
  try {
    fn();
  } catch (e) {
    return e as AppException;
  }
  throw new Error('expected a refusal');
}

const body = (extra: Record<string, unknown> = {}) => ({ command: 'sts get-caller-identity', targets: { account_ids: 'all', regions: '*' }, ...extra });

describe('fleet command contract', () => {
  it('lists every CLI policy refusal code in the error catalogue with the same status', () => {
    for (const [code, status] of Object.entries(CLI_POLICY_CODES)) {
      expect({ code, status: (ERROR_CATALOGUE as Record<string, { status: number }>)[code]?.status }).toEqual({ code, status });
    }
  });

  it('fills the defaults of SSM Run Command-like knobs', () => {
    const req = validateInto(RunCommandBody, body());
    expect(req).toMatchObject({ max_concurrency: 8, max_errors: 0, timeout_seconds: 300, allow_mutations: false, dry_run: false });
  });

  it.each([
    ['max_errors', { max_errors: '10%' }],
    ['max_errors', { max_errors: 3 }],
    ['targets', { targets: { account_ids: ['123456789012'], regions: ['us-east-1'], account_tags: { env: 'prod' } } }],
  ])('accepts %s %j', (_f, extra) => {
    expect(() => validateInto(RunCommandBody, body(extra))).not.toThrow();
  });

  it.each([
    ['max_errors', { max_errors: '101%' }],
    ['max_errors', { max_errors: -1 }],
    ['max_errors', { max_errors: '1e3' }],
    ['max_concurrency', { max_concurrency: 0 }],
    ['max_concurrency', { max_concurrency: 65 }],
    ['timeout_seconds', { timeout_seconds: 0 }],
    ['timeout_seconds', { timeout_seconds: 3601 }],
    ['timeout_seconds', { timeout_seconds: '30' }],
    ['allow_mutations', { allow_mutations: 'true' }],
    ['targets.account_ids', { targets: { account_ids: ['12345678901'], regions: '*' } }],
    ['targets.account_ids', { targets: { account_ids: ['123456789012', '123456789012'], regions: '*' } }],
    ['targets.account_ids', { targets: { account_ids: [], regions: '*' } }],
    ['targets.account_ids', { targets: { account_ids: 'ALL', regions: '*' } }],
    ['targets.regions', { targets: { account_ids: 'all', regions: ['us-east-1; id'] } }],
    ['targets.regions', { targets: { account_ids: 'all' } }],
    ['targets.account_tags', { targets: { account_ids: 'all', regions: '*', account_tags: { env: 1 } } }],
    ['targets.extra', { targets: { account_ids: 'all', regions: '*', extra: 1 } }],
    ['requested_by', { requested_by: { name: 'root', role: 'admin' } }],
    ['command', { command: '' }],
  ])('refuses a bad %s', (field, extra) => {
    const e = refusal(() => validateInto(RunCommandBody, body(extra)));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.errors!.map((x) => x.field)).toContain(field);
  });

  it('needs requested_by with a known role on the NATS side', () => {
    expect(refusal(() => validateInto(RunCommandRequest, body())).errors!.map((x) => x.field)).toContain('requested_by');
    expect(refusal(() => validateInto(RunCommandRequest, body({ requested_by: { name: 'x', role: 'root' } }))).errors!.map((x) => x.field)).toContain('requested_by.role');
    expect(validateInto(RunCommandRequest, body({ requested_by: { name: 'x', role: 'operator' } })).requested_by.role).toBe('operator');
  });
});
