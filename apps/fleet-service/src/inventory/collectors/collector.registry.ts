import type { ResourceCollector } from '../inventory.types';
import { dynamodbTableCollector } from './dynamodb.collector';
import { ec2InstanceCollector, ec2SecurityGroupCollector, ec2SubnetCollector, ec2VolumeCollector, ec2VpcCollector } from './ec2.collectors';
import { ecsClusterCollector } from './ecs.collector';
import { eksClusterCollector } from './eks.collector';
import { elbv2LoadBalancerCollector } from './elbv2.collector';
import { iamRoleCollector } from './iam.collector';
import { lambdaFunctionCollector } from './lambda.collector';
import { rdsDbInstanceCollector } from './rds.collector';
import { s3BucketCollector } from './s3.collector';
import { snsTopicCollector } from './sns.collector';
import { sqsQueueCollector } from './sqs.collector';

export const BUILT_IN_COLLECTORS: readonly ResourceCollector[] = [
  ec2InstanceCollector,
  ec2VolumeCollector,
  ec2VpcCollector,
  ec2SubnetCollector,
  ec2SecurityGroupCollector,
  s3BucketCollector,
  lambdaFunctionCollector,
  rdsDbInstanceCollector,
  dynamodbTableCollector,
  sqsQueueCollector,
  snsTopicCollector,
  iamRoleCollector,
  ecsClusterCollector,
  eksClusterCollector,
  elbv2LoadBalancerCollector,
];

/** The set of collectors a sync runs; plugins (e.g. a synthetic benchmark collector) are added with `registerCollector`. */
export class CollectorRegistry {
  private readonly byType = new Map<string, ResourceCollector>();

  constructor(collectors: readonly ResourceCollector[] = BUILT_IN_COLLECTORS) {
    for (const c of collectors) this.registerCollector(c);
  }

  /** Throws on a duplicate type unless `replace` is set, so two plugins never silently fight over one type. */
  registerCollector(collector: ResourceCollector, opts: { replace?: boolean } = {}): this {
    if (this.byType.has(collector.type) && !opts.replace) throw new Error(`Collector for ${collector.type} is already registered`);
    this.byType.set(collector.type, collector);
    return this;
  }

  list(filter: { global?: boolean; types?: readonly string[] } = {}): ResourceCollector[] {
    return [...this.byType.values()].filter(
      (c) => (filter.global === undefined || c.global === filter.global) && (!filter.types || filter.types.includes(c.type)),
    );
  }

  get(type: string): ResourceCollector | undefined {
    return this.byType.get(type);
  }
}
