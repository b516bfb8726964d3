import { mapLimit } from '@app/platform';
import { GetTopicAttributesCommand, ListTagsForResourceCommand, SNSClient, paginateListTopics } from '@aws-sdk/client-sns';
import { awsClientConfig } from '../aws-client-config';
import type { ResourceCollector } from '../inventory.types';
import { DETAIL_CONCURRENCY, EXISTS, properties, resourceOf, tagRecord, unlessGone, NOT_FOUND } from './collector.utils';

export const snsTopicCollector: ResourceCollector = {
  type: 'sns:topic',
  service: 'sns',
  global: false,
  async *collect(ctx) {
    const client = new SNSClient(awsClientConfig(ctx));
    try {
      // ListTopics has a fixed page size of 100.
      for await (const page of paginateListTopics({ client }, {})) {
        const arns = (page.Topics ?? []).flatMap((t) => (t.TopicArn ? [t.TopicArn] : []));
        const topics = await mapLimit(arns, DETAIL_CONCURRENCY, async (TopicArn) => {
          const [attrs, tags] = await Promise.all([
            unlessGone(client.send(new GetTopicAttributesCommand({ TopicArn })), NOT_FOUND.sns),
            unlessGone(client.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn })), NOT_FOUND.sns),
          ]);
          return attrs && tags ? { TopicArn, attributes: attrs.Attributes ?? {}, tags: tags.Tags } : undefined;
        });
        for (const t of topics) {
          if (!t) continue;
          yield resourceOf(snsTopicCollector, ctx, {
            arn: t.TopicArn,
            name: t.TopicArn.split(':').pop() ?? t.TopicArn,
            state: EXISTS,
            tags: tagRecord(t.tags),
            // SNS does not report when a topic was created.
            created_at: null,
            properties: properties({ TopicArn: t.TopicArn, ...t.attributes }),
          });
        }
      }
    } finally {
      client.destroy();
    }
  },
};
