import { mapLimit } from '@app/platform';
import { LambdaClient, ListTagsCommand, paginateListFunctions } from '@aws-sdk/client-lambda';
import { awsClientConfig } from '../aws-client-config';
import type { ResourceCollector } from '../inventory.types';
import { DETAIL_CONCURRENCY, EXISTS, pageSize, properties, resourceOf, unlessGone, NOT_FOUND } from './collector.utils';

export const lambdaFunctionCollector: ResourceCollector = {
  type: 'lambda:function',
  service: 'lambda',
  global: false,
  async *collect(ctx) {
    const client = new LambdaClient(awsClientConfig(ctx));
    try {
      for await (const page of paginateListFunctions({ client }, { MaxItems: pageSize(ctx, 1, 50) })) {
        const fns = page.Functions ?? [];
        // ListFunctions omits tags; one ListTags per function.
        const tags = await mapLimit(fns, DETAIL_CONCURRENCY, async (fn) => (await unlessGone(client.send(new ListTagsCommand({ Resource: fn.FunctionArn })), NOT_FOUND.lambda))?.Tags);
        for (const [i, fn] of fns.entries()) {
          if (!tags[i]) continue;
          yield resourceOf(lambdaFunctionCollector, ctx, {
            arn: fn.FunctionArn ?? '',
            name: fn.FunctionName ?? '',
            // Functions created before Lambda had states report none; they are usable, hence active.
            state: fn.State ?? EXISTS,
            tags: tags[i] ?? {},
            // Lambda only reports LastModified, not creation time.
            created_at: null,
            properties: properties(fn),
          });
        }
      }
    } finally {
      client.destroy();
    }
  },
};
