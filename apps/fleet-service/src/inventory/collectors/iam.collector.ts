import { mapLimit } from '@app/platform';
import { IAMClient, ListRoleTagsCommand, paginateListRoles, type Tag } from '@aws-sdk/client-iam';
import { awsClientConfig } from '../aws-client-config';
import type { ResourceCollector } from '../inventory.types';
import { DETAIL_CONCURRENCY, EXISTS, GLOBAL_REGION, isoOrNull, pageSize, properties, resourceOf, tagRecord, unlessGone, NOT_FOUND } from './collector.utils';

export const iamRoleCollector: ResourceCollector = {
  type: 'iam:role',
  service: 'iam',
  global: true,
  async *collect(ctx) {
    const client = new IAMClient(awsClientConfig(ctx));
    const tagsOf = async (RoleName: string): Promise<Tag[]> => {
      const tags: Tag[] = [];
      let Marker: string | undefined;
      do {
        const out = await client.send(new ListRoleTagsCommand({ RoleName, Marker }));
        tags.push(...(out.Tags ?? []));
        Marker = out.IsTruncated ? out.Marker : undefined;
      } while (Marker);
      return tags;
    };
    try {
      for await (const page of paginateListRoles({ client }, { MaxItems: pageSize(ctx, 1, 1000) })) {
        const roles = page.Roles ?? [];
        // ListRoles leaves Tags out of its answer, so they come from ListRoleTags.
        const tags = await mapLimit(roles, DETAIL_CONCURRENCY, (r) => unlessGone(tagsOf(r.RoleName ?? ''), NOT_FOUND.iam));
        for (const [i, role] of roles.entries()) {
          if (!tags[i]) continue;
          yield resourceOf(iamRoleCollector, ctx, {
            arn: role.Arn ?? '',
            region: GLOBAL_REGION,
            name: role.RoleName ?? '',
            state: EXISTS,
            tags: tagRecord(tags[i]),
            created_at: isoOrNull(role.CreateDate),
            properties: properties({ ...role, Tags: tags[i] }),
          });
        }
      }
    } finally {
      client.destroy();
    }
  },
};
