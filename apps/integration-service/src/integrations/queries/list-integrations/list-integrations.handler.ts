import { AppException, IntegrationPageDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { IntegrationMapper } from '../../integration.mapper';
import { INTEGRATION_REPOSITORY, IntegrationRepository, PageRequest } from '../../integration.repository';
import { ListIntegrationsQuery } from './list-integrations.query';

const DEFAULT_LIMIT = 50;

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t?: unknown; i?: unknown };
    if (typeof v.t === 'string' && !Number.isNaN(Date.parse(v.t)) && typeof v.i === 'string' && /^[0-9a-f-]{36}$/i.test(v.i)) return { createdAt: v.t, id: v.i };
  } catch {
    // fall through
  }
  throw new AppException('INTEGRATION_INVALID_CURSOR', 'The cursor is not one this API returned', { errors: [{ field: 'cursor', message: 'invalid cursor' }] });
}

const encodeCursor = (c: { createdAt: string; id: string }) => Buffer.from(JSON.stringify({ t: c.createdAt, i: c.id })).toString('base64url');

@QueryHandler(ListIntegrationsQuery)
export class ListIntegrationsHandler implements IQueryHandler<ListIntegrationsQuery> {
  constructor(
    @Inject(INTEGRATION_REPOSITORY) private readonly repo: IntegrationRepository,
    private readonly mapper: IntegrationMapper,
  ) {}

  async execute({ request: q }: ListIntegrationsQuery): Promise<IntegrationPageDto> {
    if (q.cursor && q.page) throw new AppException('VALIDATION_FAILED', 'Use either cursor or page, not both', { errors: [{ field: 'page', message: 'cannot be combined with cursor' }] });
    const limit = q.limit ?? DEFAULT_LIMIT;
    const page: PageRequest = q.page ? { limit, page: q.page } : { limit, cursor: q.cursor ? decodeCursor(q.cursor) : undefined };
    const tags = Object.fromEntries((q.tag ?? []).map((t) => [t.slice(0, t.indexOf(':')), t.slice(t.indexOf(':') + 1)]));
    const result = await this.repo.list({ type: q.type, status: q.status, direction: q.direction, enabled: q.enabled, tags, nameContains: q.q }, page);
    return {
      items: result.items.map((r) => this.mapper.toDto(r)),
      limit,
      total: result.total,
      next_cursor: result.nextCursor ? encodeCursor(result.nextCursor) : null,
      ...(q.page ? { page: q.page } : {}),
    };
  }
}
