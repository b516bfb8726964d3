import { Module } from '@nestjs/common';
import { ScheduleProjection } from './schedule.projection';
import { SCHEDULE_REPOSITORY, SqlScheduleRepository } from './schedule.repository';

/** The schedule projection (integration events + reconcile) and the schedule table's repository. */
@Module({
  providers: [{ provide: SCHEDULE_REPOSITORY, useClass: SqlScheduleRepository }, ScheduleProjection],
  exports: [SCHEDULE_REPOSITORY, ScheduleProjection],
})
export class ScheduleModule {}
