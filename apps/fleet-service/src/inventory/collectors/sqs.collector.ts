import { mapLimit } from '@app/platform';
import { GetQueueAttributesCommand, ListQueueTagsCommand, SQSClient, paginateListQueues } from '@aws-sdk/client-sqs';
import { awsClientConfig, partitionOf } from '../aws-client-config';
import type { ResourceCollector } from '../inventory.types';
import { DETAIL_CONCURRENCY, EXISTS, isoOrNull, pageSize, properties, resourceOf, unlessGone, NOT_FOUND } from './collector.utils';

export const sqsQueueCollector: ResourceCollector = {
  type: 'sqs:queue',
  service: 'sqs',
  global: false,
  async *collect(ctx) {
    const client = new SQSClient(awsClientConfig(ctx));
    try {
      for await (const page of paginateListQueues({ client }, { MaxResults: pageSize(ctx, 1, 1000) })) {
        const queues = await mapLimit(page.QueueUrls ?? [], DETAIL_CONCURRENCY, async (QueueUrl) => {
          const [attrs, tags] = await Promise.all([
            unlessGone(client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] })), NOT_FOUND.sqs),
            unlessGone(client.send(new ListQueueTagsCommand({ QueueUrl })), NOT_FOUND.sqs),
          ]);
          return attrs && tags ? { QueueUrl, attributes: attrs.Attributes ?? {}, tags: tags.Tags ?? {} } : undefined;
        });
        for (const q of queues) {
          if (!q) continue;
          const name = q.QueueUrl.split('/').pop() ?? q.QueueUrl;
          yield resourceOf(sqsQueueCollector, ctx, {
            arn: q.attributes.QueueArn ?? `arn:${partitionOf(ctx.region)}:sqs:${ctx.region}:${ctx.accountId}:${name}`,
            name,
            state: EXISTS,
            tags: q.tags,
            // SQS reports epoch seconds as a string.
            created_at: isoOrNull(q.attributes.CreatedTimestamp),
            properties: properties({ QueueUrl: q.QueueUrl, ...q.attributes }),
          });
        }
      }
    } finally {
      client.destroy();
    }
  },
};
