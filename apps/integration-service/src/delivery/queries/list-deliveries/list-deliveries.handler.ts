import { AppException, DeliveryPageDto, integrationNotFound } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { decodeCursor, encodeCursor, toBacklogDto, toDeliveryDto } from '../../delivery.mapper';
import { DELIVERY_REPOSITORY, DeliveryRepository } from '../../delivery.repository';
import { ListDeliveriesQuery } from './list-deliveries.query';

/** Newest first, keyset-paged, each delivery with its attempts. */
@QueryHandler(ListDeliveriesQuery)
export class ListDeliveriesHandler implements IQueryHandler<ListDeliveriesQuery> {
  constructor(@Inject(DELIVERY_REPOSITORY) private readonly repo: DeliveryRepository) {}

  async execute({ request }: ListDeliveriesQuery): Promise<DeliveryPageDto> {
    const cursor = request.cursor ? decodeCursor(request.cursor) : null;
    if (request.cursor && !cursor) throw new AppException('DELIVERY_INVALID_CURSOR', 'cursor is not one this API returned', { errors: [{ field: 'cursor', message: 'invalid cursor' }] });
    if (!(await this.repo.integrationExists(request.id))) throw integrationNotFound(request.id);
    const limit = request.limit ?? 50;
    const [rows, [backlog]] = await Promise.all([this.repo.page(request.id, request.status, limit, cursor), this.repo.backlog(request.id)]);
    const items = rows.slice(0, limit);
    const attempts = await this.repo.attemptsOf(items.map((r) => r.id));
    return { items: items.map((r) => toDeliveryDto(r, attempts)), limit, next_cursor: rows.length > limit ? encodeCursor(items[items.length - 1]) : null, backlog: toBacklogDto(backlog) };
  }
}
