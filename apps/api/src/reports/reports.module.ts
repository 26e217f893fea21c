import { Module } from '@nestjs/common';
import { PublishedReportsProjection } from '@trust-ledger/projections/reports';
import { PublicStatisticsModule } from '../public-statistics/public-statistics.module';
import { AmendReportHandler } from './amend-report';
import { PublishReportHandler } from './publish-report';
import { PublicReportsController, ReportsController } from './reports.controller';
import { ReportSnapshots } from './report-snapshots';

/** § 11's reports: published and amended from the public statistics, served to everyone. */
@Module({
  imports: [PublicStatisticsModule],
  controllers: [ReportsController, PublicReportsController],
  providers: [ReportSnapshots, PublishReportHandler, AmendReportHandler, PublishedReportsProjection],
})
export class ReportsModule {}
