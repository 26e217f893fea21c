import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, type Clock, type Period } from '@trust-ledger/domain';
import { READ_MODEL_DB, type ReadModelDb } from '@trust-ledger/projections';
import {
  StatisticsQueries,
  SuppressionThread,
  type PublicStatistics,
} from '@trust-ledger/projections/statistics';

/** The public statistics as of the injected clock (deadlines passed, time zone and threshold in force). */
@Injectable()
export class StatisticsReader implements OnApplicationShutdown {
  private prepared: StatisticsQueries | undefined;
  /** Suppression is decided off the event loop, on this thread, stopped with the service. */
  private readonly suppression = new SuppressionThread();

  constructor(
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  forPeriod(period: Period, agencyId: string | null): Promise<PublicStatistics> {
    return this.queries.forPeriod(period, this.clock.now(), agencyId);
  }

  /** The quarter in progress now, as the stream publishes it. */
  currentQuarter(): Promise<PublicStatistics> {
    const now = this.clock.now();
    return this.queries.forPeriod(this.queries.currentQuarter(now), now, null);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.suppression.close();
  }

  private get queries(): StatisticsQueries {
    // The runner creates the tables at bootstrap, before any request is served.
    this.prepared ??= new StatisticsQueries(this.db, this.suppression);
    return this.prepared;
  }
}
