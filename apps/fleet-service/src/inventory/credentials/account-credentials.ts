import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { awsClientConfig, awsErrorMessage, type AwsClientConfig } from '../aws-client-config';
import type { AwsAccountRef } from '../inventory.types';

export interface AccountCredentialsOptions {
  /** AWS_ENDPOINT_URL from validated config; used for STS and returned for every client. */
  endpoint?: string;
  /** The service's own identity, used directly for accounts without a role and to call AssumeRole. Defaults to the Node provider chain. */
  baseCredentials?: AwsCredentialIdentityProvider;
  /** RoleSessionName for AssumeRole; shows up in the target account's CloudTrail. */
  sessionName?: string;
  durationSeconds?: number;
  /** Refresh this long before expiry so a long collection never signs with credentials that lapse mid-flight. */
  refreshMarginMs?: number;
  /** Clock, injectable so the refresh rule can be tested without waiting. */
  now?: () => number;
}

const DEFAULT_SESSION_NAME = 'aws-mcp-fleet';
const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Credentials per registered account: AssumeRole (with ExternalId) for role accounts, the service's
 * own chain otherwise. One cached, self-refreshing provider per account so that every client and
 * region of a sync shares one STS session instead of assuming the role per client.
 */
export class AccountCredentials {
  private readonly cache = new Map<string, AwsCredentialIdentityProvider>();
  private base?: AwsCredentialIdentityProvider;

  constructor(private readonly options: AccountCredentialsOptions = {}) {}

  get endpoint(): string | undefined {
    return this.options.endpoint;
  }

  /** `region` is where STS is called the first time the account is seen; the credentials work in every region. */
  forAccount(account: AwsAccountRef, region: string): AwsCredentialIdentityProvider {
    const key = cacheKey(account);
    let provider = this.cache.get(key);
    if (!provider) {
      provider = refreshingProvider(this.rawProvider(account, region), {
        marginMs: this.options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS,
        now: this.options.now,
      });
      this.cache.set(key, provider);
    }
    return provider;
  }

  /** Ready-to-use SDK client config for an account in a region (S3 needs `{ s3: true }` for path-style with an endpoint). */
  clientConfig(account: AwsAccountRef, region: string, opts: { s3?: boolean } = {}): AwsClientConfig {
    return awsClientConfig({ region, credentials: this.forAccount(account, region), endpoint: this.options.endpoint }, opts);
  }

  /** Drop cached credentials, e.g. after the account's role or external id was edited. */
  invalidate(accountId?: string): void {
    if (accountId === undefined) return this.cache.clear();
    for (const key of this.cache.keys()) if (key.startsWith(`${accountId}|`)) this.cache.delete(key);
  }

  private baseProvider(): AwsCredentialIdentityProvider {
    this.base ??= this.options.baseCredentials ?? fromNodeProviderChain();
    return this.base;
  }

  private rawProvider(account: AwsAccountRef, region: string): AwsCredentialIdentityProvider {
    if (!account.role_arn) return this.baseProvider();
    return fromTemporaryCredentials({
      masterCredentials: this.baseProvider(),
      params: {
        RoleArn: account.role_arn,
        RoleSessionName: this.options.sessionName ?? DEFAULT_SESSION_NAME,
        ...(account.external_id ? { ExternalId: account.external_id } : {}),
        ...(this.options.durationSeconds ? { DurationSeconds: this.options.durationSeconds } : {}),
      },
      clientConfig: { region, ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}) },
    });
  }
}

// Role and external id are part of the key so that editing them never reuses the old session.
function cacheKey(account: AwsAccountRef): string {
  return `${account.account_id}|${account.role_arn ?? ''}|${account.external_id ?? ''}`;
}

/**
 * Caches what `provider` returns until `marginMs` before its expiration; concurrent callers share
 * one in-flight fetch, and a failed fetch is not cached so the next call retries.
 */
export function refreshingProvider(
  provider: AwsCredentialIdentityProvider,
  opts: { marginMs: number; now?: () => number },
): AwsCredentialIdentityProvider {
  const now = opts.now ?? Date.now;
  let current: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  const fresh = (c: AwsCredentialIdentity) => !c.expiration || c.expiration.getTime() - now() > opts.marginMs;
  return (identityProperties) => {
    const forceRefresh = (identityProperties as { forceRefresh?: boolean } | undefined)?.forceRefresh === true;
    if (current && !forceRefresh && fresh(current)) return Promise.resolve(current);
    pending ??= provider(identityProperties)
      .then((c) => (current = c))
      .finally(() => (pending = undefined));
    return pending;
  };
}

export interface AccountAccessResult {
  ok: boolean;
  /** The identity the service acts as in the account (the assumed-role session ARN for role accounts). */
  arn?: string;
  /** Account the credentials actually resolved to. */
  account?: string;
  /** AWS's message (e.g. AccessDenied on AssumeRole) or the transport error. */
  error?: string;
  /** AWS error code / SDK error name, for mapping to stable error codes. */
  code?: string;
}

/**
 * Proves the service can act in the account: resolves its credentials (assuming the role) and calls
 * STS GetCallerIdentity. Never throws; a failure carries AWS's own message.
 */
export async function checkAccountAccess(
  credentials: AccountCredentials,
  account: AwsAccountRef,
  region: string,
): Promise<AccountAccessResult> {
  const sts = new STSClient({ ...credentials.clientConfig(account, region), maxAttempts: 1 });
  try {
    const id = await sts.send(new GetCallerIdentityCommand({}));
    // A role in another account, or base credentials for the wrong account, would make us inventory the wrong fleet.
    if (id.Account !== account.account_id) {
      return {
        ok: false,
        arn: id.Arn,
        account: id.Account,
        code: 'ACCOUNT_MISMATCH',
        error: `Credentials resolve to account ${id.Account ?? 'unknown'}, expected ${account.account_id}`,
      };
    }
    return { ok: true, arn: id.Arn, account: id.Account };
  } catch (e) {
    // Nothing to clean up: refreshingProvider never caches a failed fetch, so the next check asks STS again.
    return { ok: false, error: awsErrorMessage(e), code: e instanceof Error ? e.name : undefined };
  } finally {
    sts.destroy();
  }
}
