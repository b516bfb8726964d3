import type { CollectContext, CollectedResource, ResourceCollector } from '../inventory.types';

/** Raw SDK output → plain JSON: Dates become ISO strings, bytes base64, undefined and SDK `$metadata` are dropped. */
export function toJsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : toJsonSafe(v)));
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || k === '$metadata') continue;
      out[k] = toJsonSafe(v);
    }
    return out;
  }
  return value;
}

export function properties(raw: object): Record<string, unknown> {
  return toJsonSafe(raw) as Record<string, unknown>;
}

/** AWS spells tag lists `Key/Value` (EC2, RDS, IAM, ELB) or `key/value` (ECS); both become one record. */
export function tagRecord(tags: ReadonlyArray<{ Key?: string; Value?: string } | { key?: string; value?: string }> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) {
    const key = 'Key' in t ? t.Key : 'key' in t ? t.key : undefined;
    const value = 'Value' in t ? t.Value : 'value' in t ? t.value : undefined;
    if (key !== undefined) out[key] = value ?? '';
  }
  return out;
}

export function isoOrNull(d: Date | string | number | undefined | null): string | null {
  if (d === undefined || d === null || d === '') return null;
  // Numeric strings are epoch seconds, possibly fractional (SQS's CreatedTimestamp).
  const date = d instanceof Date ? d : new Date(typeof d === 'string' && /^\d+(\.\d+)?$/.test(d) ? Number(d) * 1000 : d);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Clamp the context's page-size hint to an API's allowed range; undefined lets AWS pick its default. */
export function pageSize(ctx: CollectContext, min: number, max: number): number | undefined {
  if (ctx.pageSize === undefined) return undefined;
  return Math.min(max, Math.max(min, Math.floor(ctx.pageSize)));
}

/** Per-resource calls (tags, attributes) run this many at a time: enough to hide latency, gentle on API rate limits. */
export const DETAIL_CONCURRENCY = 5;

/** Fills the fields every resource of a collector shares. */
export function resourceOf(
  collector: Pick<ResourceCollector, 'service' | 'type'>,
  ctx: CollectContext,
  fields: Omit<CollectedResource, 'account_id' | 'service' | 'type' | 'region'> & { region?: string },
): CollectedResource {
  return {
    arn: fields.arn,
    account_id: ctx.accountId,
    region: fields.region ?? ctx.region,
    service: collector.service,
    type: collector.type,
    name: fields.name,
    state: fields.state,
    tags: fields.tags,
    created_at: fields.created_at,
    properties: fields.properties,
  };
}

/** State for resources AWS gives no lifecycle state (buckets, queues, topics, roles): they exist, so they are active. */
export const EXISTS = 'active';

/** True for AWS "not found"-style errors that mean "no tags here" rather than failure (e.g. S3 NoSuchTagSet). */
export function isErrorNamed(e: unknown, ...names: string[]): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { Code?: string }).Code;
  return names.includes(e.name) || (code !== undefined && names.includes(code));
}

/** Region reported for account-wide resources (IAM), as AWS Config does. */
export const GLOBAL_REGION = 'global';

/**
 * Resources deleted between the list call and a per-item call answer "not found"; a busy account
 * always has some, so they are skipped (undefined) instead of failing the whole type.
 */
/** Error names each service uses for "no such resource" (SQS also has its legacy query-protocol code). */
export const NOT_FOUND = {
  dynamodb: ['ResourceNotFoundException'],
  eks: ['ResourceNotFoundException'],
  iam: ['NoSuchEntityException', 'NoSuchEntity'],
  lambda: ['ResourceNotFoundException'],
  s3: ['NoSuchBucket'],
  sns: ['NotFoundException', 'NotFound', 'ResourceNotFoundException'],
  sqs: ['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'],
} as const satisfies Record<string, readonly string[]>;

export async function unlessGone<T>(call: Promise<T>, notFoundNames: readonly string[]): Promise<T | undefined> {
  try {
    return await call;
  } catch (e) {
    if (isErrorNamed(e, ...notFoundNames)) return undefined;
    throw e;
  }
}
