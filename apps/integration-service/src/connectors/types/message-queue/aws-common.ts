import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { LookupFunction } from 'node:net';
import { AuthType, FieldError } from '@app/contracts';
import { ConnectorContext } from '../../connector.port';
import { LookupFn, OutboundGuard } from '../../http/outbound-guard';

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
 * `guarded` (from guardAwsEndpoints) becomes the lookup of the SDK's sockets. The agents are given as
 * instances so that every request uses them (the SDK makes its own for Expect: 100-continue otherwise).
 */
export function awsClientConfig(ctx: ConnectorContext, region: string, endpoint?: string, guarded?: LookupFunction) {
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
    requestHandler: {
      connectionTimeout: ctx.timeoutMs,
      requestTimeout: ctx.timeoutMs,
      ...(guarded
        ? { httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 50, lookup: guarded }), httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 50, lookup: guarded }) }
        : {}),
    },
  };
}

/**
 * The SSRF guard for hosts a user named (a custom endpoint; an SQS queue URL, which the SDK uses as its endpoint
 * otherwise): literal addresses are refused here, names on every connection the SDK opens, through the lookup
 * this returns for its sockets (resolving before the SDK would not do: it resolves again, after the check).
 * Undefined without such URLs: AWS's regional endpoints follow from a validated region and are not judged.
 */
export function guardAwsEndpoints(ctx: ConnectorContext, urls: Array<string | undefined>, lookup?: LookupFn): LookupFunction | undefined {
  const named = urls.filter((u): u is string => !!u);
  if (!named.length) return undefined;
  const guard = new OutboundGuard(ctx.outbound, lookup);
  for (const u of named) guard.checkUrl(u);
  return guard.socketLookup();
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
