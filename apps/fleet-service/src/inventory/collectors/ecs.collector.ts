import { DescribeClustersCommand, ECSClient, paginateListClusters } from '@aws-sdk/client-ecs';
import { awsClientConfig } from '../aws-client-config';
import type { ResourceCollector } from '../inventory.types';
import { pageSize, properties, resourceOf, tagRecord } from './collector.utils';

export const ecsClusterCollector: ResourceCollector = {
  type: 'ecs:cluster',
  service: 'ecs',
  global: false,
  async *collect(ctx) {
    const client = new ECSClient(awsClientConfig(ctx));
    try {
      // maxResults ≤ 100 keeps each page within DescribeClusters' 100-cluster limit.
      for await (const page of paginateListClusters({ client }, { maxResults: pageSize(ctx, 1, 100) ?? 100 })) {
        const arns = page.clusterArns ?? [];
        if (arns.length === 0) continue;
        const out = await client.send(new DescribeClustersCommand({ clusters: arns, include: ['TAGS'] }));
        for (const c of out.clusters ?? []) {
          yield resourceOf(ecsClusterCollector, ctx, {
            arn: c.clusterArn ?? '',
            name: c.clusterName ?? '',
            state: c.status ?? 'unknown',
            tags: tagRecord(c.tags),
            // ECS does not report when a cluster was created.
            created_at: null,
            properties: properties(c),
          });
        }
      }
    } finally {
      client.destroy();
    }
  },
};
