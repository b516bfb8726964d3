import { allows, Role } from './roles';

describe('allows', () => {
  it('orders viewer < operator < admin', () => {
    expect(allows(Role.Viewer, 'IntegrationsRead')).toBe(true);
    expect(allows(Role.Viewer, 'IntegrationsWrite')).toBe(false);
    expect(allows(Role.Operator, 'IntegrationsWrite')).toBe(true);
    expect(allows(Role.Operator, 'UsersManage')).toBe(false);
    expect(allows(Role.Admin, 'UsersManage')).toBe(true);
  });

  it('grants nothing to an unknown or missing role', () => {
    expect(allows('root', 'IntegrationsRead')).toBe(false);
    expect(allows(undefined, 'IntegrationsRead')).toBe(false);
    expect(allows('__proto__', 'IntegrationsRead')).toBe(false);
  });
});
