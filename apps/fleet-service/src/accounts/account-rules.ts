import { AccountSettingsDto, AccountStatus, CreateAccountRequest } from '@app/contracts';
import { AccountEntity } from './account.entity';
import { storedRegions } from './account.mapper';

/** Periodic sync interval of an account that names none. */
const DEFAULT_SYNC_INTERVAL_MINUTES = 60;

/** The stored form of an account's settings, with their defaults: the same for a new account and a replacement. */
function accountSettings(req: AccountSettingsDto): Pick<AccountEntity, 'name' | 'role_arn' | 'external_id' | 'regions' | 'tags' | 'sync_interval_minutes' | 'enabled'> {
  return {
    name: req.name,
    role_arn: req.role_arn ?? null,
    external_id: req.external_id ?? null,
    regions: storedRegions(req.regions),
    tags: req.tags ?? {},
    sync_interval_minutes: req.sync_interval_minutes ?? DEFAULT_SYNC_INTERVAL_MINUTES,
    enabled: req.enabled ?? true,
  };
}

/** The row of a new account (registered or discovered): PENDING until its access check, first periodic sync due at once. */
export function newAccountRow(req: CreateAccountRequest, now = new Date()): AccountEntity {
  return Object.assign(new AccountEntity(), {
    account_id: req.account_id,
    ...accountSettings(req),
    status: AccountStatus.Pending,
    status_message: null,
    status_checked_at: null,
    last_sync_at: null,
    next_sync_at: now,
    lease_owner: null,
    lease_token: null,
    lease_until: null,
    created_at: now,
    updated_at: now,
  });
}

/**
 * Replaces an account's settings in place. A new interval brings the next periodic sync forward when it would now
 * come sooner (never later: a shorter interval must not wait out the old one).
 */
export function replaceAccountSettings(row: AccountEntity, req: AccountSettingsDto, now = new Date()): AccountEntity {
  const settings = accountSettings(req);
  const intervalChanged = row.sync_interval_minutes !== settings.sync_interval_minutes;
  Object.assign(row, settings, { updated_at: now });
  if (intervalChanged) row.next_sync_at = new Date(Math.min(row.next_sync_at?.getTime() ?? now.getTime(), now.getTime() + row.sync_interval_minutes * 60_000));
  return row;
}
