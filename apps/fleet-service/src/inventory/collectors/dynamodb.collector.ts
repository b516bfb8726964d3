import { mapLimit } from '@app/platform';
import { DescribeTableCommand, DynamoDBClient, ListTagsOfResourceCommand, paginateListTables, type Tag } from '@aws-sdk/client-dynamodb';
import { awsClientConfig } from '../aws-client-config';
import type { ResourceCollector } from '../inventory.types';
import { DETAIL_CONCURRENCY, isoOrNull, pageSize, properties, resourceOf, tagRecord, unlessGone, NOT_FOUND } from './collector.utils';

export const dynamodbTableCollector: ResourceCollector = {
  type: 'dynamodb:table',
  service: 'dynamodb',
  global: false,
  async *collect(ctx) {
    const client = new DynamoDBClient(awsClientConfig(ctx));
    const tagsOf = async (arn: string): Promise<Tag[]> => {
      const tags: Tag[] = [];
      let NextToken: string | undefined;
      do {
        const out = await client.send(new ListTagsOfResourceCommand({ ResourceArn: arn, NextToken }));
        tags.push(...(out.Tags ?? []));
        NextToken = out.NextToken;
      } while (NextToken);
      return tags;
    };
    try {
      for await (const page of paginateListTables({ client }, { Limit: pageSize(ctx, 1, 100) })) {
        // ListTables returns names only; the description and tags come per table.
        const tables = await mapLimit(page.TableNames ?? [], DETAIL_CONCURRENCY, async (TableName) => {
          const table = (await unlessGone(client.send(new DescribeTableCommand({ TableName })), NOT_FOUND.dynamodb))?.Table;
          const tags = table?.TableArn ? await unlessGone(tagsOf(table.TableArn), NOT_FOUND.dynamodb) : undefined;
          return table && tags ? { table, tags } : undefined;
        });
        for (const found of tables) {
          if (!found) continue;
          const { table, tags } = found;
          yield resourceOf(dynamodbTableCollector, ctx, {
            arn: table.TableArn ?? '',
            name: table.TableName ?? '',
            state: table.TableStatus ?? 'unknown',
            tags: tagRecord(tags),
            created_at: isoOrNull(table.CreationDateTime),
            properties: properties(table),
          });
        }
      }
    } finally {
      client.destroy();
    }
  },
};
