import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock, type Period } from '@trust-ledger/domain';
import { READ_MODEL_DB, type ReadModelDb } from '@trust-ledger/projections';
import { StatisticsQueries, type PublicStatistics } from '@trust-ledger/projections/statistics';

/** The public statistics as of the injected clock (deadlines passed, time zone and threshold in force). */
@Injectable()
export class StatisticsReader {
  private prepared: StatisticsQueries | undefined;

  constructor(
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  forPeriod(period: Period, agencyId: string | null): PublicStatistics {
    return this.queries.forPeriod(period, this.clock.now(), agencyId);
  }

  /** The quarter in progress now, as the stream publishes it. */
  currentQuarter(): PublicStatistics {
    const now = this.clock.now();
    return this.queries.forPeriod(this.queries.currentQuarter(now), now, null);
  }

  private get queries(): StatisticsQueries {
    // The runner creates the tables at bootstrap, before any request is served.
    this.prepared ??= new StatisticsQueries(this.db);
    return this.prepared;
  }
}
