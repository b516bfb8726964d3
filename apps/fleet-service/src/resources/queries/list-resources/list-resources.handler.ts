import { AppException, ResourcePageDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { toResourceDto } from '../../resource.mapper';
import { RESOURCES_REPOSITORY, ResourcesRepository } from '../../resources.repository';
import { ListResourcesQuery } from './list-resources.query';

/** `tag=key:value` pairs → one containment object; the same key twice can never both match. */
function tagFilter(tags: string[] | undefined): Record<string, string> | undefined | null {
  if (!tags?.length) return undefined;
  const out: Record<string, string> = {};
  for (const t of tags) {
    const i = t.indexOf(':');
    const key = t.slice(0, i);
    const value = t.slice(i + 1);
    if (key in out && out[key] !== value) return null;
    out[key] = value;
  }
  return out;
}

/** Resources in ARN order; the cursor is the last ARN of the page, base64url-encoded. */
@QueryHandler(ListResourcesQuery)
export class ListResourcesHandler implements IQueryHandler<ListResourcesQuery> {
  constructor(@Inject(RESOURCES_REPOSITORY) private readonly repo: ResourcesRepository) {}

  async execute({ request: q }: ListResourcesQuery): Promise<ResourcePageDto> {
    const limit = q.limit ?? 50;
    let afterArn: string | undefined;
    if (q.cursor) {
      afterArn = Buffer.from(q.cursor, 'base64url').toString('utf8');
      if (!afterArn.startsWith('arn:')) throw new AppException('RESOURCE_INVALID_CURSOR', 'cursor is not a cursor this API returned', { errors: [{ field: 'cursor', message: 'invalid cursor' }] });
    }
    const tags = tagFilter(q.tag);
    if (tags === null) return { items: [], limit, next_cursor: null };
    const rows = await this.repo.list(
      { accountId: q.account_id, region: q.region, service: q.service, type: q.type, state: q.state, tags, nameContains: q.q, includeRemoved: q.include_removed },
      { limit: limit + 1, afterArn },
    );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items: items.map(toResourceDto), limit, next_cursor: rows.length > limit && last ? Buffer.from(last.arn).toString('base64url') : null };
  }
}
