import { Module } from '@nestjs/common';
import { ScheduleModule } from '../schedule/schedule.module';
import { CHECK_RESULTS_REPOSITORY, SqlCheckResultsRepository } from './check-results.repository';
import { CheckRunner } from './check.runner';
import { CheckScheduler } from './check.scheduler';
import { ResultWriter } from './result-writer';
import { HistoryRetention } from './retention';

/** Running the checks: the scheduler (leases), the runner (probe over NATS), recording, events, retention. */
@Module({
  imports: [ScheduleModule],
  providers: [{ provide: CHECK_RESULTS_REPOSITORY, useClass: SqlCheckResultsRepository }, CheckRunner, ResultWriter, CheckScheduler, HistoryRetention],
  exports: [CHECK_RESULTS_REPOSITORY],
})
export class ChecksModule {}
