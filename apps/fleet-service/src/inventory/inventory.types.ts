import type { ResourceRef } from '@app/contracts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/** An AWS account as the registry stores it; `role_arn` absent means "use the service's own credentials". */
export interface AwsAccountRef {
  account_id: string;
  role_arn?: string | null;
  external_id?: string | null;
}

/** What a collector needs to talk to one account in one region. */
export interface CollectContext {
  accountId: string;
  region: string;
  credentials: AwsCredentialIdentityProvider;
  /** Custom AWS endpoint (moto, LocalStack, VPC endpoint proxy); unset means the real AWS endpoints. */
  endpoint?: string;
  /** Page size hint for list calls; each collector clamps it to the API's limits. Unset uses AWS's default. */
  pageSize?: number;
  /** SDK attempts per AWS call (throttling is retried with backoff by the SDK); unset keeps the SDK default. */
  maxAttempts?: number;
}

/** One resource in the registry's shape: what events carry, plus `properties`, the raw AWS description made JSON-safe. */
export interface CollectedResource extends ResourceRef {
  created_at: string | null;
  properties: Record<string, unknown>;
}

/**
 * A plugin that lists one resource type. Global collectors (IAM, S3) run once per account,
 * with `ctx.region` being the account's home region; the others run once per account × region.
 */
export interface ResourceCollector {
  readonly type: string;
  readonly service: string;
  readonly global: boolean;
  collect(ctx: CollectContext): AsyncIterable<CollectedResource>;
}
