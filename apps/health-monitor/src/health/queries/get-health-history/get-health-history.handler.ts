import { AppException, HealthHistoryPageDto } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CHECK_RESULTS_REPOSITORY, CheckResultsRepository } from '../../../checks/check-results.repository';
import { toRecordDto } from '../../health-view.mapper';
import { IntegrationLookup } from '../../integration-lookup';
import { GetHealthHistoryQuery } from './get-health-history.query';

/** Cursor: the position of the last item returned, opaque to clients. */
const encodeHistoryCursor = (id: string) => Buffer.from(`h:${id}`).toString('base64url');

function decodeHistoryCursor(cursor: string): string {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^h:([1-9][0-9]{0,18})$/.exec(raw);
  if (!m || BigInt(m[1]) > 9223372036854775807n) {
    throw new AppException('VALIDATION_FAILED', 'The cursor is not one this API returned', { errors: [{ field: 'cursor', message: 'invalid cursor' }] });
  }
  return m[1];
}

@QueryHandler(GetHealthHistoryQuery)
export class GetHealthHistoryHandler implements IQueryHandler<GetHealthHistoryQuery> {
  constructor(
    private readonly lookup: IntegrationLookup,
    @Inject(CHECK_RESULTS_REPOSITORY) private readonly results: CheckResultsRepository,
  ) {}

  async execute(q: GetHealthHistoryQuery): Promise<HealthHistoryPageDto> {
    const before = q.cursor ? decodeHistoryCursor(q.cursor) : undefined;
    await this.lookup.find(q.integrationId);
    const rows = await this.results.latest(q.integrationId, q.limit + 1, before, q.outcome);
    const items = rows.slice(0, q.limit);
    const last = items[items.length - 1];
    return { items: items.map(toRecordDto), limit: q.limit, next_cursor: rows.length > q.limit && last ? encodeHistoryCursor(String(last.id)) : null };
  }
}
