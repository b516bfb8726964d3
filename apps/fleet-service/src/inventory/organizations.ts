import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { awsClientConfig, partitionOf } from './aws-client-config';
import { isoOrNull } from './collectors/collector.utils';

export interface OrganizationAccount {
  account_id: string;
  name: string;
  email: string | null;
  status: string;
  arn: string | null;
  joined_at: string | null;
  /** Suggested role to assume in the member account, when a role name was given (e.g. OrganizationAccountAccessRole). */
  role_arn: string | null;
}

export interface OrganizationLookup {
  /** Credentials of the management (or delegated administrator) account. */
  credentials: AwsCredentialIdentityProvider;
  region: string;
  endpoint?: string;
  /** Role name every member account has for this service; builds `role_arn` for each account. */
  roleName?: string;
  pageSize?: number;
}

/** Lists every account of the caller's AWS Organization (ListAccounts, all pages), for account discovery. */
export async function listOrganizationAccounts(lookup: OrganizationLookup): Promise<OrganizationAccount[]> {
  const client = new OrganizationsClient(awsClientConfig(lookup));
  const partition = partitionOf(lookup.region);
  const accounts: OrganizationAccount[] = [];
  try {
    const MaxResults = lookup.pageSize === undefined ? undefined : Math.min(20, Math.max(1, lookup.pageSize));
    for await (const page of paginateListAccounts({ client }, { MaxResults })) {
      for (const a of page.Accounts ?? []) {
        if (!a.Id) continue;
        accounts.push({
          account_id: a.Id,
          name: a.Name ?? a.Id,
          email: a.Email ?? null,
          // `State` supersedes the deprecated `Status` in newer responses.
          status: a.State ?? a.Status ?? 'UNKNOWN',
          arn: a.Arn ?? null,
          joined_at: isoOrNull(a.JoinedTimestamp),
          role_arn: lookup.roleName ? `arn:${partition}:iam::${a.Id}:role/${lookup.roleName}` : null,
        });
      }
    }
    return accounts;
  } finally {
    client.destroy();
  }
}
