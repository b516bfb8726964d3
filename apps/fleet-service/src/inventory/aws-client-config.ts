import type { AwsCredentialIdentityProvider } from '@smithy/types';

export interface AwsClientConfig {
  region: string;
  credentials: AwsCredentialIdentityProvider;
  endpoint?: string;
  /** Only meaningful for S3: custom endpoints (moto, LocalStack) do not resolve virtual-host bucket names. */
  forcePathStyle?: boolean;
  /** SDK attempts per call (standard retry mode backs off on throttling); unset keeps the SDK default of 3. */
  maxAttempts?: number;
}

/** The one place that turns (region, credentials, endpoint) into SDK v3 client config, so every client honours the endpoint. */
export function awsClientConfig(
  ctx: { region: string; credentials: AwsCredentialIdentityProvider; endpoint?: string; maxAttempts?: number },
  opts: { s3?: boolean } = {},
): AwsClientConfig {
  const config: AwsClientConfig = { region: ctx.region, credentials: ctx.credentials };
  if (ctx.maxAttempts !== undefined) config.maxAttempts = ctx.maxAttempts;
  if (ctx.endpoint) {
    config.endpoint = ctx.endpoint;
    if (opts.s3) config.forcePathStyle = true;
  }
  return config;
}

/** AWS partition of a region, for ARNs we have to build ourselves. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

/** The message AWS sent back (or the transport error's), for results we store instead of throwing. */
export function awsErrorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}
