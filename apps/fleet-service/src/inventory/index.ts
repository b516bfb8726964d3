/** Public surface of the inventory building blocks, for the fleet-service Nest wiring (sync, accounts, discovery). */
export * from './inventory.types';
export { awsClientConfig, awsErrorMessage, partitionOf, type AwsClientConfig } from './aws-client-config';
export { AccountCredentials, checkAccountAccess, refreshingProvider, type AccountAccessResult, type AccountCredentialsOptions } from './credentials/account-credentials';
export { BUILT_IN_COLLECTORS, CollectorRegistry } from './collectors/collector.registry';
export { GLOBAL_REGION, toJsonSafe } from './collectors/collector.utils';
export { ALL_REGIONS, listEnabledRegions, resolveRegions, type RegionLookup } from './regions';
export { listOrganizationAccounts, type OrganizationAccount, type OrganizationLookup } from './organizations';
