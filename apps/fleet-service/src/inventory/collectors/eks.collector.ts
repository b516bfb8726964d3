import { mapLimit } from '@app/platform';
import { DescribeClusterCommand, EKSClient, paginateListClusters } from '@aws-sdk/client-eks';
import { awsClientConfig } from '../aws-client-config';
import type { ResourceCollector } from '../inventory.types';
import { DETAIL_CONCURRENCY, isoOrNull, pageSize, properties, resourceOf, unlessGone, NOT_FOUND } from './collector.utils';

export const eksClusterCollector: ResourceCollector = {
  type: 'eks:cluster',
  service: 'eks',
  global: false,
  async *collect(ctx) {
    const client = new EKSClient(awsClientConfig(ctx));
    try {
      for await (const page of paginateListClusters({ client }, { maxResults: pageSize(ctx, 1, 100) })) {
        const clusters = await mapLimit(page.clusters ?? [], DETAIL_CONCURRENCY, async (name) => (await unlessGone(client.send(new DescribeClusterCommand({ name })), NOT_FOUND.eks))?.cluster);
        for (const c of clusters) {
          if (!c) continue;
          yield resourceOf(eksClusterCollector, ctx, {
            arn: c.arn ?? '',
            name: c.name ?? '',
            state: c.status ?? 'unknown',
            tags: c.tags ?? {},
            created_at: isoOrNull(c.createdAt),
            properties: properties(c),
          });
        }
      }
    } finally {
      client.destroy();
    }
  },
};
