import { Module } from '@nestjs/common';
import { StatisticsProjection } from '@trust-ledger/projections/statistics';
import { PublicStatisticsController } from './public-statistics.controller';
import { StatisticsReader } from './statistics.reader';
import { StatisticsStream } from './statistics-stream';

/** § 11: the statistics projection and the public statistics, as JSON, CSV and a live stream. */
@Module({
  controllers: [PublicStatisticsController],
  providers: [StatisticsProjection, StatisticsReader, StatisticsStream],
  exports: [StatisticsReader],
})
export class PublicStatisticsModule {}
