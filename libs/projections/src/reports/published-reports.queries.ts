import type { ReportStatistics } from '@trust-ledger/domain';
import type { ReadModelDb } from '../runner/projection';
import { seqPage } from '../shared/seq-page';

export interface ReportAmendmentView {
  eventId: string;
  amendedAt: string;
  reason: string;
  statistics: ReportStatistics;
  contentHash: string;
}

/** A published report as the public reads it: the original snapshot, its amendments beside it. */
export interface PublishedReportView {
  period: string;
  eventId: string;
  publishedAt: string;
  statistics: ReportStatistics;
  contentHash: string;
  amendments: ReportAmendmentView[];
}

export interface PublishedReportPage {
  items: PublishedReportView[];
  /** The cursor of the next page; null on the last. */
  nextCursor: string | null;
}

type ReportRow = {
  seq: number;
  period: string;
  event_id: string;
  published_at: string;
  statistics: string;
  content_hash: string;
};
type AmendmentRow = {
  event_id: string;
  amended_at: string;
  reason: string;
  statistics: string;
  content_hash: string;
};

/** Reads the published-reports projection's tables. */
export class PublishedReportQueries {
  constructor(private readonly db: ReadModelDb) {}

  get(period: string): PublishedReportView | undefined {
    const row = this.db
      .prepare<[string], ReportRow>('SELECT * FROM published_reports WHERE period = ?')
      .get(period);
    return row && this.view(row);
  }

  /** Reports in the order they were published, after the one numbered `after` (exclusive). */
  list(after: number, limit: number): PublishedReportPage {
    const { rows, nextCursor } = seqPage<ReportRow>(
      this.db,
      'SELECT * FROM published_reports',
      [],
      after,
      limit,
    );
    return { items: rows.map((row) => this.view(row)), nextCursor };
  }

  private view(row: ReportRow): PublishedReportView {
    const amendments = this.db
      .prepare<[string], AmendmentRow>('SELECT * FROM report_amendments WHERE period = ? ORDER BY revision')
      .all(row.period);
    return {
      period: row.period,
      eventId: row.event_id,
      publishedAt: row.published_at,
      statistics: JSON.parse(row.statistics) as ReportStatistics,
      contentHash: row.content_hash,
      amendments: amendments.map((a) => ({
        eventId: a.event_id,
        amendedAt: a.amended_at,
        reason: a.reason,
        statistics: JSON.parse(a.statistics) as ReportStatistics,
        contentHash: a.content_hash,
      })),
    };
  }
}
