import { RDSClient, paginateDescribeDBInstances } from '@aws-sdk/client-rds';
import { awsClientConfig } from '../aws-client-config';
import type { ResourceCollector } from '../inventory.types';
import { isoOrNull, pageSize, properties, resourceOf, tagRecord } from './collector.utils';

export const rdsDbInstanceCollector: ResourceCollector = {
  type: 'rds:db-instance',
  service: 'rds',
  global: false,
  async *collect(ctx) {
    const client = new RDSClient(awsClientConfig(ctx));
    try {
      // RDS accepts MaxRecords 20..100 only.
      for await (const page of paginateDescribeDBInstances({ client }, { MaxRecords: pageSize(ctx, 20, 100) })) {
        for (const db of page.DBInstances ?? []) {
          yield resourceOf(rdsDbInstanceCollector, ctx, {
            arn: db.DBInstanceArn ?? '',
            name: db.DBInstanceIdentifier ?? '',
            state: db.DBInstanceStatus ?? 'unknown',
            tags: tagRecord(db.TagList),
            created_at: isoOrNull(db.InstanceCreateTime),
            properties: properties(db),
          });
        }
      }
    } finally {
      client.destroy();
    }
  },
};
