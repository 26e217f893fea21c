import { Module } from '@nestjs/common';
import { SchedulerService } from './scheduler.service';

/** Item 5: deadlines judged when they pass, with nothing else recorded. */
@Module({
  providers: [SchedulerService],
  exports: [SchedulerService],
})
export class SchedulerModule {}
