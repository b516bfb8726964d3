import { AccountDto, AccountStatus } from '@app/contracts';
import { ALL_REGIONS, AwsAccountRef } from '../inventory';
import { AccountEntity } from './account.entity';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The public view of an account: the external id is reported as set or not, never returned. */
export function toAccountDto(row: AccountEntity): AccountDto {
  return {
    account_id: row.account_id,
    name: row.name,
    role_arn: row.role_arn,
    external_id_set: !!row.external_id,
    regions: isAllRegions(row.regions) ? ALL_REGIONS : row.regions,
    tags: row.tags,
    sync_interval_minutes: row.sync_interval_minutes,
    enabled: row.enabled,
    status: row.status as AccountStatus,
    status_message: row.status_message,
    status_checked_at: iso(row.status_checked_at),
    last_sync_at: iso(row.last_sync_at),
    next_sync_at: iso(row.next_sync_at),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

function isAllRegions(regions: string[] | string): boolean {
  return regions === ALL_REGIONS || (Array.isArray(regions) && regions.includes(ALL_REGIONS));
}

/** Stored form of a region selection: ["*"] or the list. */
export function storedRegions(regions: string[] | string): string[] {
  return isAllRegions(regions) ? [ALL_REGIONS] : (regions as string[]);
}

export function accountRef(row: Pick<AccountEntity, 'account_id' | 'role_arn' | 'external_id'>): AwsAccountRef {
  return { account_id: row.account_id, role_arn: row.role_arn, external_id: row.external_id };
}
