import { describe, expect, it } from 'vitest';
import { can } from './permissions';

describe('can: the console offers what the OpenAPI document says a role may do', () => {
  it('follows x-minimum-role per operation', () => {
    expect(can('viewer', 'GET /api/v1/integrations')).toBe(true);
    expect(can('viewer', 'POST /api/v1/integrations')).toBe(false);
    expect(can('operator', 'POST /api/v1/integrations')).toBe(true);
    expect(can('operator', 'POST /api/v1/accounts')).toBe(false);
    expect(can('admin', 'POST /api/v1/accounts')).toBe(true);
    expect(can('operator', 'GET /api/v1/audit')).toBe(false);
    expect(can('admin', 'GET /api/v1/audit')).toBe(true);
  });

  it('lets anyone call public operations and nobody call unknown ones', () => {
    expect(can(undefined, 'POST /api/v1/auth/login')).toBe(true);
    expect(can(undefined, 'GET /api/v1/integrations')).toBe(false);
    expect(can('admin', 'GET /api/v1/nope' as never)).toBe(false);
  });
});
