/** Published reports (§ 11): immutable snapshots of a period's statistics, amendments kept beside them. */

type StatisticsValue =
  string | number | boolean | null | StatisticsValue[] | { [key: string]: StatisticsValue };
/** The jurisdiction-wide statistics as the projection computed them; the domain does not look inside. */
export type ReportStatistics = { [key: string]: StatisticsValue };

export type ReportPublished = {
  type: 'ReportPublished';
  data: {
    period: string;
    publishedAt: string;
    statistics: ReportStatistics;
    /** Hex SHA-256 of the canonical JSON of `statistics`. */
    contentHash: string;
  };
};

export type ReportAmended = {
  type: 'ReportAmended';
  data: {
    period: string;
    amendedAt: string;
    reason: string;
    statistics: ReportStatistics;
    contentHash: string;
  };
};

export type ReportEvent = ReportPublished | ReportAmended;

export const reportStreamId = (period: string): string => `report-${period}`;
