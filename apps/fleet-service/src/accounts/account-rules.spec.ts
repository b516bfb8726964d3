import { AccountStatus, CreateAccountRequest } from '@app/contracts';
import { newAccountRow, replaceAccountSettings } from './account-rules';

const now = new Date('2026-01-01T12:00:00Z');
const req = (over: Partial<CreateAccountRequest> = {}): CreateAccountRequest => Object.assign(new CreateAccountRequest(), { account_id: '123456789012', name: 'prod', regions: ['eu-west-1'], ...over });

describe('newAccountRow', () => {
  it('is PENDING, unleased, due for its first periodic sync at once, with the defaults of what the request leaves out', () => {
    const row = newAccountRow(Object.assign(req(), { tags: undefined, sync_interval_minutes: undefined, enabled: undefined }), now);
    expect(row).toMatchObject({
      account_id: '123456789012',
      name: 'prod',
      role_arn: null,
      external_id: null,
      regions: ['eu-west-1'],
      tags: {},
      sync_interval_minutes: 60,
      enabled: true,
      status: AccountStatus.Pending,
      status_message: null,
      last_sync_at: null,
      lease_owner: null,
      lease_token: null,
      lease_until: null,
    });
    expect(row.next_sync_at).toEqual(now);
    expect(row.created_at).toEqual(now);
    expect(row.updated_at).toEqual(now);
  });

  it('stores "every region" as ["*"] and keeps what the request names', () => {
    const row = newAccountRow(req({ regions: '*', role_arn: 'arn:aws:iam::123456789012:role/r', external_id: 'x', tags: { env: 'prod' }, sync_interval_minutes: 15, enabled: false }), now);
    expect(row).toMatchObject({ regions: ['*'], role_arn: 'arn:aws:iam::123456789012:role/r', external_id: 'x', tags: { env: 'prod' }, sync_interval_minutes: 15, enabled: false });
  });
});

describe('replaceAccountSettings', () => {
  const stored = () => Object.assign(newAccountRow(req({ sync_interval_minutes: 60 }), new Date('2026-01-01T00:00:00Z')), { next_sync_at: new Date('2026-01-01T12:50:00Z'), status: AccountStatus.Ok });

  it('replaces every setting (an omitted one goes back to its default) and leaves status, leases and history alone', () => {
    const row = replaceAccountSettings(Object.assign(stored(), { tags: { a: 'b' }, enabled: false }), req({ name: 'renamed', regions: '*', tags: undefined, enabled: undefined }), now);
    expect(row).toMatchObject({ name: 'renamed', regions: ['*'], tags: {}, enabled: true, status: AccountStatus.Ok, updated_at: now });
    expect(row.created_at).toEqual(new Date('2026-01-01T00:00:00Z'));
  });

  it('brings the next periodic sync forward when a shorter interval makes it due sooner, never later', () => {
    expect(replaceAccountSettings(stored(), req({ sync_interval_minutes: 15 }), now).next_sync_at).toEqual(new Date('2026-01-01T12:15:00Z'));
    expect(replaceAccountSettings(stored(), req({ sync_interval_minutes: 240 }), now).next_sync_at).toEqual(new Date('2026-01-01T12:50:00Z'));
    // the same interval leaves the schedule alone; none stored yet: due now
    expect(replaceAccountSettings(stored(), req({ sync_interval_minutes: 60 }), now).next_sync_at).toEqual(new Date('2026-01-01T12:50:00Z'));
    expect(replaceAccountSettings(Object.assign(stored(), { next_sync_at: null }), req({ sync_interval_minutes: 30 }), now).next_sync_at).toEqual(new Date('2026-01-01T12:00:00Z'));
  });
});
