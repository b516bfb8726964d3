import { mapLimit } from '@app/platform';
import { GetBucketLocationCommand, GetBucketTaggingCommand, S3Client, paginateListBuckets, type Bucket } from '@aws-sdk/client-s3';
import { awsClientConfig, partitionOf } from '../aws-client-config';
import type { CollectContext, ResourceCollector } from '../inventory.types';
import { DETAIL_CONCURRENCY, EXISTS, isErrorNamed, isoOrNull, properties, resourceOf, tagRecord, unlessGone, NOT_FOUND } from './collector.utils';

/** GetBucketLocation's legacy answers: empty means us-east-1, "EU" means eu-west-1. */
export function bucketRegion(locationConstraint: string | undefined | null): string {
  if (!locationConstraint) return 'us-east-1';
  if (locationConstraint === 'EU') return 'eu-west-1';
  return locationConstraint;
}

/**
 * S3 buckets are listed once per account (ListBuckets is global), but each is reported in its real
 * region, and its tags are read through a client in that region because S3 redirects otherwise.
 */
export const s3BucketCollector: ResourceCollector = {
  type: 's3:bucket',
  service: 's3',
  global: true,
  async *collect(ctx: CollectContext) {
    const clients = new Map<string, S3Client>();
    const clientFor = (region: string) => {
      let c = clients.get(region);
      if (!c) clients.set(region, (c = new S3Client(awsClientConfig({ ...ctx, region }, { s3: true }))));
      return c;
    };
    const home = clientFor(ctx.region);
    try {
      // No MaxBuckets from ctx.pageSize: moto (5.2.1) truncates at MaxBuckets without returning a
      // ContinuationToken, which would silently drop buckets; the paginator follows AWS's own tokens.
      for await (const page of paginateListBuckets({ client: home }, {})) {
        const details = await mapLimit(page.Buckets ?? [], DETAIL_CONCURRENCY, async (bucket: Bucket) => {
          const name = bucket.Name ?? '';
          // Newer ListBuckets responses carry BucketRegion; fall back for endpoints that omit it.
          let region = bucket.BucketRegion;
          if (!region) {
            const location = await unlessGone(home.send(new GetBucketLocationCommand({ Bucket: name })), NOT_FOUND.s3);
            if (!location) return undefined;
            region = bucketRegion(location.LocationConstraint);
          }
          let tags: Record<string, string> = {};
          try {
            tags = tagRecord((await clientFor(region).send(new GetBucketTaggingCommand({ Bucket: name }))).TagSet);
          } catch (e) {
            // A bucket without tags answers NoSuchTagSet instead of an empty set.
            if (isErrorNamed(e, ...NOT_FOUND.s3)) return undefined;
            if (!isErrorNamed(e, 'NoSuchTagSet')) throw e;
          }
          return { bucket, name, region, tags };
        });
        for (const found of details) {
          if (!found) continue;
          const { bucket, name, region, tags } = found;
          yield resourceOf(s3BucketCollector, ctx, {
            arn: `arn:${partitionOf(region)}:s3:::${name}`,
            region,
            name,
            state: EXISTS,
            tags,
            created_at: isoOrNull(bucket.CreationDate),
            properties: properties({ ...bucket, BucketRegion: region }),
          });
        }
      }
    } finally {
      for (const c of clients.values()) c.destroy();
    }
  },
};
