/** Builders for published reports in specs. */
import type { OrdinanceHistory } from '../src/ordinance/ordinance-version';
import type { AmendReport, PublishReport } from '../src/reporting/report.commands';
import type { ReportAmended, ReportPublished, ReportStatistics } from '../src/reporting/report.events';
import { ordinanceVersion } from './ordinance-builders';

const PUBLISHER = 'supervisor-2';
const STATISTICS: ReportStatistics = {
  period: '2024-Q1',
  rows: [],
  violationsBySection: { '2': null },
};
const CONTENT_HASH = 'a'.repeat(64);
const AMENDED_STATISTICS: ReportStatistics = {
  period: '2024-Q1',
  rows: [],
  violationsBySection: { '2': 6 },
};
const AMENDED_HASH = 'b'.repeat(64);

export const publishReport = (
  period: string,
  now: string,
  ordinance: OrdinanceHistory = [ordinanceVersion()],
): PublishReport => ({
  type: 'PublishReport',
  data: { period, statistics: STATISTICS, contentHash: CONTENT_HASH },
  ordinance,
  actor: PUBLISHER,
  now,
});

/** What every amendment in these specs says. */
const AMENDMENT = {
  reason: 'late-recorded decisions',
  statistics: AMENDED_STATISTICS,
  contentHash: AMENDED_HASH,
};

export const amendReport = (now: string, data: Partial<AmendReport['data']> = {}): AmendReport => ({
  type: 'AmendReport',
  data: { ...AMENDMENT, ...data },
  actor: PUBLISHER,
  now,
});

export const reportPublished = (period: string, publishedAt: string): ReportPublished => ({
  type: 'ReportPublished',
  data: { period, publishedAt, statistics: STATISTICS, contentHash: CONTENT_HASH },
});

export const reportAmended = (period: string, amendedAt: string): ReportAmended => ({
  type: 'ReportAmended',
  data: { period, amendedAt, ...AMENDMENT },
});
