import { InboundRecentDto } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

export class ListRecentInboundQuery extends Query<InboundRecentDto> {
  constructor(
    readonly integrationId: string,
    readonly limit: number,
  ) {
    super();
  }
}
