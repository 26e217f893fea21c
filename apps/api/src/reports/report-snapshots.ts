import { Inject, Injectable } from '@nestjs/common';
import { parsePeriod, type ReportStatistics } from '@trust-ledger/domain';
import { EVENT_STORE, type EventStore } from '@trust-ledger/event-store';
import { ProjectionRunner } from '@trust-ledger/projections';
import { reportContentHash } from '@trust-ledger/projections/reports';
import { STATISTICS } from '@trust-ledger/projections/statistics';
import { VIOLATION_REGISTER } from '@trust-ledger/projections/violations';
import { readModelsAtHead } from '../common/read-models-caught-up';
import { READ_YOUR_WRITES_TIMEOUT_MS } from '../observability/read-your-writes.interceptor';
import { StatisticsReader } from '../public-statistics/statistics.reader';

export interface ReportSnapshot {
  statistics: ReportStatistics;
  contentHash: string;
}

/**
 * Takes the jurisdiction-wide statistics of a period for a report, from read models that have
 * taken in everything recorded before the request: a report must not miss an act because a
 * projection lagged. The snapshot is the statistics as JSON carries them, hashed as published.
 */
@Injectable()
export class ReportSnapshots {
  constructor(
    private readonly statistics: StatisticsReader,
    private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** `period` is a canonical label (the DTO's pattern), so it parses. */
  async take(period: string): Promise<ReportSnapshot> {
    // The statistics and the register (violationsBySection is its count), no other: a projection
    // the snapshot does not read, stopped on an error, must not stop § 11's publication. A report
    // is kept as published, so it waits for a register behind rather than fix stale counts in it.
    await Promise.all(
      [STATISTICS, VIOLATION_REGISTER].map((name) =>
        readModelsAtHead(
          this.runner,
          this.store,
          READ_YOUR_WRITES_TIMEOUT_MS,
          'The statistics or the violation register have not caught up with the record yet; retry shortly',
          name,
        ),
      ),
    );
    const counted = await this.statistics.forPeriod(parsePeriod(period)!, null);
    const statistics = JSON.parse(JSON.stringify(counted)) as ReportStatistics;
    return { statistics, contentHash: reportContentHash(statistics) };
  }
}
