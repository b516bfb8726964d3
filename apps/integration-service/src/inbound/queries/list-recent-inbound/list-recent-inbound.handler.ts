import { InboundRecentDto, inboundSubject } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { INTEGRATION_REPOSITORY, IntegrationRepository } from '../../../integrations/integration.repository';
import { INBOUND_REPOSITORY, InboundRepository } from '../../inbound.repository';
import { ListRecentInboundQuery } from './list-recent-inbound.query';

/** The newest messages an integration received and published, newest first (the same CloudEvents as on NATS). */
@QueryHandler(ListRecentInboundQuery)
export class ListRecentInboundHandler implements IQueryHandler<ListRecentInboundQuery> {
  constructor(
    @Inject(INTEGRATION_REPOSITORY) private readonly integrations: IntegrationRepository,
    @Inject(INBOUND_REPOSITORY) private readonly repo: InboundRepository,
  ) {}

  async execute({ integrationId, limit }: ListRecentInboundQuery): Promise<InboundRecentDto> {
    await this.integrations.getOrThrow(integrationId);
    const rows = await this.repo.recent(integrationId, limit);
    return {
      integration_id: integrationId,
      subject: inboundSubject(integrationId),
      items: rows.map((r) => ({ event_id: r.eventId, message_id: r.messageId, subject: r.subject, received_at: r.receivedAt.toISOString(), event: r.event })),
    };
  }
}
