import { IntegrationStatus, PublicIntegration } from '@app/contracts';
import { phaseMs } from './schedule.math';
import { firstDueAt, isMonitored, snapshotOf } from './schedule.policy';

const integration = (over: Partial<PublicIntegration> = {}): PublicIntegration =>
  ({
    id: '3f2c1a9e-6a5b-4a8e-9a51-1f6f2b7c9d10',
    status: IntegrationStatus.ACTIVE,
    updated_at: '2026-01-01T00:00:00.000Z',
    health_check: { enabled: true, interval_seconds: 60, timeout_seconds: 10, failure_threshold: 4, success_threshold: 2, endpoint: null, method: 'GET', expected_status_code: 200, body: null, headers: {} },
    ...over,
  }) as PublicIntegration;

describe('schedule policy', () => {
  it('monitors enabled checks of integrations that are not INACTIVE or DEPRECATED', () => {
    for (const s of Object.values(IntegrationStatus)) expect(isMonitored(true, s)).toBe(![IntegrationStatus.INACTIVE, IntegrationStatus.DEPRECATED].includes(s));
    expect(isMonitored(false, IntegrationStatus.ACTIVE)).toBe(false);
  });

  it('puts the first check on the integration\'s own grid, within one interval', () => {
    const now = Date.UTC(2026, 0, 1, 12);
    const due = firstDueAt('abc', 30, now).getTime();
    expect(due).toBeGreaterThan(now);
    expect(due - now).toBeLessThanOrEqual(30_000);
    expect(due % 30_000).toBe(phaseMs('abc', 30_000));
  });

  it('turns an integration into a schedule row, versioned by updated_at', () => {
    const now = Date.UTC(2026, 0, 2);
    expect(snapshotOf(integration(), now)).toMatchObject({
      integrationId: '3f2c1a9e-6a5b-4a8e-9a51-1f6f2b7c9d10',
      active: true,
      checkEnabled: true,
      integrationStatus: 'ACTIVE',
      intervalSeconds: 60,
      timeoutSeconds: 10,
      failureThreshold: 4,
      successThreshold: 2,
      version: new Date('2026-01-01T00:00:00.000Z'),
    });
    expect(snapshotOf(integration({ status: IntegrationStatus.DEPRECATED }), now)!.active).toBe(false);
    expect(snapshotOf(integration({ health_check: { ...integration().health_check, enabled: false } }), now)!.active).toBe(false);
  });

  it('falls back to the contract defaults for missing or absurd settings, and ignores what is not an integration', () => {
    const s = snapshotOf({ id: 'x', status: 'CONFIGURING', health_check: { interval_seconds: -1, failure_threshold: 'three' } } as unknown as PublicIntegration, 5, '2026-01-01T00:00:00Z')!;
    expect(s).toMatchObject({ intervalSeconds: 300, timeoutSeconds: 30, failureThreshold: 3, successThreshold: 1, active: true, version: new Date('2026-01-01T00:00:00Z') });
    expect(snapshotOf(undefined, 0)).toBeNull();
    expect(snapshotOf({ id: 1 } as unknown as PublicIntegration, 0)).toBeNull();
  });
});
