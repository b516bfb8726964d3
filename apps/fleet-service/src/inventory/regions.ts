import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { awsClientConfig } from './aws-client-config';

export const ALL_REGIONS = '*';

export interface RegionLookup {
  credentials: AwsCredentialIdentityProvider;
  /** Region used to call DescribeRegions (the account's home region). */
  region: string;
  endpoint?: string;
}

/** Regions enabled for the account (opt-in regions not enabled are left out), sorted. */
export async function listEnabledRegions(lookup: RegionLookup): Promise<string[]> {
  const client = new EC2Client(awsClientConfig(lookup));
  try {
    const out = await client.send(new DescribeRegionsCommand({ AllRegions: false }));
    return [...new Set((out.Regions ?? []).flatMap((r) => (r.RegionName ? [r.RegionName] : [])))].sort();
  } finally {
    client.destroy();
  }
}

/** Expands `"*"` to every enabled region of the account; explicit lists are de-duplicated and kept in order. */
export async function resolveRegions(requested: readonly string[] | string, lookup: RegionLookup): Promise<string[]> {
  const list = typeof requested === 'string' ? [requested] : requested;
  if (list.includes(ALL_REGIONS)) return listEnabledRegions(lookup);
  return [...new Set(list.map((r) => r.trim()).filter(Boolean))];
}
