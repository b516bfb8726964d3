import { AuthType, FieldError } from '@app/contracts';
import { ConnectorContext } from '../../connector.port';
import { OutboundGuard } from '../../http/outbound-guard';

/** What AWS connectors (SQS here, EventBridge in event-bus/) share: credentials, timeouts, error classes. */

export const AWS_AUTH_TYPES = [AuthType.NONE, AuthType.AWS_SIG_V4] as const;

export function checkRegion(c: Record<string, unknown>, errors: FieldError[], required = true): void {
  const r = c.region;
  if (r === undefined && !required) return;
  if (typeof r !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(r)) errors.push({ field: 'region', message: 'must be an AWS region such as us-east-1' });
}

export function checkHttpUrl(c: Record<string, unknown>, key: string, errors: FieldError[], required: boolean): void {
  const v = c[key];
  if (v === undefined && !required) return;
  try {
    const u = new URL(String(v));
    if (typeof v !== 'string' || (u.protocol !== 'http:' && u.protocol !== 'https:')) throw new Error();
  } catch {
    errors.push({ field: key, message: 'must be an http(s) URL' });
  }
}

/**
 * Client settings: AWS_SIG_V4 credentials from the integration, otherwise the SDK's default chain (NONE).
 * maxAttempts 1 because the delivery framework owns retries (and a down endpoint must fail fast).
 */
export function awsClientConfig(ctx: ConnectorContext, region: string, endpoint?: string) {
  const a = ctx.auth;
  const credentials =
    a.type === AuthType.AWS_SIG_V4 && a.access_key_id && a.secret_access_key
      ? { accessKeyId: a.access_key_id, secretAccessKey: a.secret_access_key, sessionToken: a.session_token }
      : undefined;
  return {
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: ctx.timeoutMs, requestTimeout: ctx.timeoutMs },
  };
}

/** Refuses private/loopback endpoints unless the integration's outbound policy allows them (SSRF guard). */
export async function checkAwsEndpoints(ctx: ConnectorContext, urls: Array<string | undefined>): Promise<void> {
  const guard = new OutboundGuard(ctx.outbound);
  for (const u of urls) if (u) await guard.resolve(guard.checkUrl(u).hostname);
}

interface AwsErrorShape {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  code?: string;
}

const RETRYABLE_NAMES = /throttl|timeout|toomanyrequests|requestlimitexceeded|serviceunavailable|internalfailure|internalerror|aborterror/i;

/** Network errors, throttling and 5xx may pass on another attempt; other 4xx (bad queue, access denied) will not. */
export function classifyAwsError(e: unknown): { retryable: boolean; statusCode?: number; error: string } {
  const err = e as AwsErrorShape;
  const statusCode = err.$metadata?.httpStatusCode;
  const name = err.name ?? 'Error';
  if (name === 'CredentialsProviderError') return { retryable: false, error: `${name}: no AWS credentials configured` };
  const retryable =
    statusCode === undefined || statusCode >= 500 || statusCode === 429 || !!err.$retryable || err.$fault === 'server' || RETRYABLE_NAMES.test(name) || RETRYABLE_NAMES.test(err.code ?? '');
  return { retryable, statusCode, error: `${name}: ${err.message ?? String(e)}` };
}
