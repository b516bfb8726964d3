import { IntegrationDto, integrationNotFound, RpcSubjects } from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { SCHEDULE_REPOSITORY, ScheduleRepository, ScheduleRow } from '../schedule/schedule.repository';

/**
 * Whether an integration exists, from the projection first. An id the projection has not seen yet (created a
 * moment ago) is asked of integration-service, which answers INTEGRATION_NOT_FOUND for an unknown one.
 */
@Injectable()
export class IntegrationLookup {
  constructor(
    @Inject(SCHEDULE_REPOSITORY) private readonly schedule: ScheduleRepository,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
  ) {}

  async find(id: string): Promise<{ row: ScheduleRow | null; integration: IntegrationDto | null }> {
    const row = await this.schedule.find(id);
    if (row?.deleted) throw integrationNotFound(id);
    if (row) return { row, integration: null };
    return { row: null, integration: await this.bus.request(RpcSubjects.IntegrationGet, { id }) };
  }
}
