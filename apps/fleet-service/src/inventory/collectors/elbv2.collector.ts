import { DescribeTagsCommand, ElasticLoadBalancingV2Client, paginateDescribeLoadBalancers, type TagDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import { awsClientConfig } from '../aws-client-config';
import type { ResourceCollector } from '../inventory.types';
import { isoOrNull, pageSize, properties, resourceOf, tagRecord } from './collector.utils';

// DescribeTags takes at most 20 ARNs per call.
const TAG_BATCH = 20;

export const elbv2LoadBalancerCollector: ResourceCollector = {
  type: 'elasticloadbalancing:loadbalancer',
  service: 'elasticloadbalancing',
  global: false,
  async *collect(ctx) {
    const client = new ElasticLoadBalancingV2Client(awsClientConfig(ctx));
    try {
      for await (const page of paginateDescribeLoadBalancers({ client }, { PageSize: pageSize(ctx, 1, 400) })) {
        const lbs = page.LoadBalancers ?? [];
        const arns = lbs.flatMap((lb) => (lb.LoadBalancerArn ? [lb.LoadBalancerArn] : []));
        const tagsByArn = new Map<string, TagDescription['Tags']>();
        for (let i = 0; i < arns.length; i += TAG_BATCH) {
          const out = await client.send(new DescribeTagsCommand({ ResourceArns: arns.slice(i, i + TAG_BATCH) }));
          for (const d of out.TagDescriptions ?? []) if (d.ResourceArn) tagsByArn.set(d.ResourceArn, d.Tags);
        }
        for (const lb of lbs) {
          yield resourceOf(elbv2LoadBalancerCollector, ctx, {
            arn: lb.LoadBalancerArn ?? '',
            name: lb.LoadBalancerName ?? '',
            state: lb.State?.Code ?? 'unknown',
            tags: tagRecord(tagsByArn.get(lb.LoadBalancerArn ?? '')),
            created_at: isoOrNull(lb.CreatedTime),
            properties: properties(lb),
          });
        }
      }
    } finally {
      client.destroy();
    }
  },
};
