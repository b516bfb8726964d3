import { AppException, EventSubjects, IntegrationStatus as S, PublicIntegration } from '@app/contracts';
import { IntegrationEntity } from './integration.entity';
import { assertReplaceable, assertUnchangedSince, nextUpdatedAt, replaceIntegration, statusAfterReplacement } from './integration-rules';

const created = new Date('2026-01-01T00:00:00Z');
const changedAt = new Date('2026-01-01T06:00:00Z');
const now = new Date('2026-01-02T00:00:00Z');

const row = (over: Partial<IntegrationEntity> = {}): IntegrationEntity =>
  Object.assign(new IntegrationEntity(), {
    id: 'i-1',
    name: 'ops',
    description: 'd',
    type: 'WEBHOOK',
    direction: 'OUTBOUND',
    version: '1.0.0',
    status: S.ACTIVE,
    enabled: true,
    timeout_seconds: 30,
    rate_limit_per_minute: 60,
    tags: { env: 'prod' },
    metadata: {},
    auth: { type: 'NONE' },
    health_check: { enabled: true },
    retry: { max_attempts: 3 },
    connection: { url: 'https://hooks.example.com/a' },
    secrets: null,
    subscriptions: [{ subjects: ['fleet.>'], filters: { region: 'eu-west-1' } }],
    delivery: { parallel: false },
    status_reason: 'healthy',
    status_changed_at: changedAt,
    created_at: created,
    updated_at: created,
    ...over,
  });
const view = (r: IntegrationEntity) => ({ id: r.id, status: r.status, status_reason: r.status_reason }) as unknown as PublicIntegration;

describe('statusAfterReplacement', () => {
  it('disables on enabled: false, starts an INACTIVE one over at CONFIGURING when enabled, otherwise keeps the status', () => {
    for (const s of Object.values(S)) expect(statusAfterReplacement(s, false)).toBe(S.INACTIVE);
    expect(statusAfterReplacement(S.INACTIVE, true)).toBe(S.CONFIGURING);
    for (const s of [S.CONFIGURING, S.TESTING, S.ACTIVE, S.ERROR]) expect(statusAfterReplacement(s, true)).toBe(s);
  });
});

describe('assertReplaceable', () => {
  it('refuses a DEPRECATED integration (read-only) and lets every other status through', () => {
    expect(() => assertReplaceable(row({ status: S.DEPRECATED }))).toThrow(expect.objectContaining({ code: 'INTEGRATION_DEPRECATED', message: 'Integration "ops" is deprecated: it is read-only' }) as unknown as AppException);
    for (const s of [S.CONFIGURING, S.TESTING, S.ACTIVE, S.ERROR, S.INACTIVE]) expect(() => assertReplaceable(row({ status: s }))).not.toThrow();
  });
});

describe('replaceIntegration', () => {
  it('with the status unchanged: keeps its reason and time, one integration.updated naming the changed fields', () => {
    const next = row({ name: 'ops-2', tags: { env: 'dev' }, subscriptions: [{ subjects: ['fleet.>'], filters: { region: 'us-east-1' } }], status_reason: null, status_changed_at: created, updated_at: now });
    const events = replaceIntegration(row(), next, { secretsChanged: false, view });
    expect(next.status_reason).toBe('healthy');
    expect(next.status_changed_at).toEqual(changedAt);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: EventSubjects.IntegrationUpdated, subject: 'i-1', data: { integration: { id: 'i-1', status: S.ACTIVE, status_reason: 'healthy' }, changed_fields: ['name', 'tags', 'subscriptions'] } });
  });

  it('compares by value: an identical replacement changes nothing but still announces itself; a different secret is named last', () => {
    const same = replaceIntegration(row(), row({ updated_at: now }), { secretsChanged: false, view });
    expect(same.map((e) => e.data)).toEqual([{ integration: view(row()), changed_fields: [] }]);
    const secret = replaceIntegration(row(), row({ metadata: { a: 1 }, updated_at: now }), { secretsChanged: true, view });
    expect(secret[0].data).toMatchObject({ changed_fields: ['metadata', 'secrets'] });
  });

  it('disabling: reason "disabled" dated from the update, then integration.status.changed from the old status with the same view', () => {
    const next = row({ enabled: false, status: S.INACTIVE, updated_at: now });
    const events = replaceIntegration(row(), next, { secretsChanged: false, view });
    expect(next.status_reason).toBe('disabled');
    expect(next.status_changed_at).toEqual(now);
    expect(events.map((e) => e.type)).toEqual([EventSubjects.IntegrationUpdated, EventSubjects.IntegrationStatusChanged]);
    expect(events[0].data).toMatchObject({ changed_fields: ['enabled'] });
    expect(events[1]).toMatchObject({ subject: 'i-1', data: { id: 'i-1', name: 'ops', from: S.ACTIVE, to: S.INACTIVE, reason: 'disabled', integration: { status: S.INACTIVE, status_reason: 'disabled' } } });
    expect((events[1].data as { integration: unknown }).integration).toBe((events[0].data as { integration: unknown }).integration);
  });

  it('enabling again: CONFIGURING with no reason, dated from the update', () => {
    const next = row({ status: S.CONFIGURING, updated_at: now });
    const events = replaceIntegration(row({ status: S.INACTIVE, enabled: false, status_reason: 'disabled' }), next, { secretsChanged: false, view });
    expect(next.status_reason).toBeNull();
    expect(next.status_changed_at).toEqual(now);
    expect(events[1].data).toMatchObject({ from: S.INACTIVE, to: S.CONFIGURING, reason: null });
  });

  it('a replacement from an earlier read applies only to that version: another updated_at is CONFLICT, none is no precondition', () => {
    expect(() => assertUnchangedSince(row({ updated_at: now }), now.toISOString())).not.toThrow();
    expect(() => assertUnchangedSince(row({ updated_at: now }), undefined)).not.toThrow();
    expect(() => assertUnchangedSince(row({ updated_at: now }), changedAt.toISOString())).toThrow(expect.objectContaining({ code: 'CONFLICT', status: 409 }));
  });

  it('updated_at always moves forward, by a millisecond when the clock has not (or went back)', () => {
    expect(nextUpdatedAt(row({ updated_at: changedAt }), now)).toBe(now);
    expect(nextUpdatedAt(row({ updated_at: now }), now)).toEqual(new Date(now.getTime() + 1));
    expect(nextUpdatedAt(row({ updated_at: now }), changedAt)).toEqual(new Date(now.getTime() + 1));
  });
});
