import {
  EC2Client,
  paginateDescribeInstances,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVolumes,
  paginateDescribeVpcs,
  type Tag,
} from '@aws-sdk/client-ec2';
import { awsClientConfig, partitionOf } from '../aws-client-config';
import type { CollectContext, ResourceCollector } from '../inventory.types';
import { EXISTS, isoOrNull, pageSize, properties, resourceOf, tagRecord } from './collector.utils';

// EC2 rejects MaxResults below 5 on these Describe calls.
const EC2_PAGE = { min: 5, max: 1000 };

/** EC2 returns no ARNs for most of its resources; this is the documented format. */
function ec2Arn(ctx: CollectContext, kind: string, id: string): string {
  return `arn:${partitionOf(ctx.region)}:ec2:${ctx.region}:${ctx.accountId}:${kind}/${id}`;
}

const nameOf = (tags: Tag[] | undefined, fallback: string) => tags?.find((t) => t.Key === 'Name')?.Value || fallback;

/** Shared shape of the five EC2 collectors: one paginated Describe call, one item per resource. */
function ec2Collector<Page, Item extends { Tags?: Tag[] }>(def: {
  type: string;
  paginate: (client: EC2Client, maxResults: number | undefined) => AsyncIterable<Page>;
  items: (page: Page) => Item[];
  describe: (item: Item, ctx: CollectContext) => { id: string; arn?: string; name?: string; state: string; created?: Date };
  kind: string;
}): ResourceCollector {
  const collector: ResourceCollector = {
    type: def.type,
    service: 'ec2',
    global: false,
    async *collect(ctx) {
      const client = new EC2Client(awsClientConfig(ctx));
      try {
        for await (const page of def.paginate(client, pageSize(ctx, EC2_PAGE.min, EC2_PAGE.max))) {
          for (const item of def.items(page)) {
            const d = def.describe(item, ctx);
            yield resourceOf(collector, ctx, {
              arn: d.arn ?? ec2Arn(ctx, def.kind, d.id),
              name: nameOf(item.Tags, d.name ?? d.id),
              state: d.state,
              tags: tagRecord(item.Tags),
              created_at: isoOrNull(d.created),
              properties: properties(item),
            });
          }
        }
      } finally {
        client.destroy();
      }
    },
  };
  return collector;
}

export const ec2InstanceCollector = ec2Collector({
  type: 'ec2:instance',
  kind: 'instance',
  paginate: (client, MaxResults) => paginateDescribeInstances({ client }, { MaxResults }),
  // Reservation context (owner, requester) matters less than having one record per instance.
  items: (page) => (page.Reservations ?? []).flatMap((r) => r.Instances ?? []),
  describe: (i) => ({ id: i.InstanceId ?? '', state: i.State?.Name ?? 'unknown', created: i.LaunchTime }),
});

export const ec2VolumeCollector = ec2Collector({
  type: 'ec2:volume',
  kind: 'volume',
  paginate: (client, MaxResults) => paginateDescribeVolumes({ client }, { MaxResults }),
  items: (page) => page.Volumes ?? [],
  describe: (v) => ({ id: v.VolumeId ?? '', state: v.State ?? 'unknown', created: v.CreateTime }),
});

export const ec2VpcCollector = ec2Collector({
  type: 'ec2:vpc',
  kind: 'vpc',
  paginate: (client, MaxResults) => paginateDescribeVpcs({ client }, { MaxResults }),
  items: (page) => page.Vpcs ?? [],
  describe: (v) => ({ id: v.VpcId ?? '', state: v.State ?? 'unknown' }),
});

export const ec2SubnetCollector = ec2Collector({
  type: 'ec2:subnet',
  kind: 'subnet',
  paginate: (client, MaxResults) => paginateDescribeSubnets({ client }, { MaxResults }),
  items: (page) => page.Subnets ?? [],
  describe: (s) => ({ id: s.SubnetId ?? '', arn: s.SubnetArn, state: s.State ?? 'unknown' }),
});

export const ec2SecurityGroupCollector = ec2Collector({
  type: 'ec2:security-group',
  kind: 'security-group',
  paginate: (client, MaxResults) => paginateDescribeSecurityGroups({ client }, { MaxResults }),
  items: (page) => page.SecurityGroups ?? [],
  describe: (g) => ({ id: g.GroupId ?? '', arn: g.SecurityGroupArn, name: g.GroupName, state: EXISTS }),
});
