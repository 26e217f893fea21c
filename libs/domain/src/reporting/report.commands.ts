import type { CommandContext } from '../case/case.commands';
import type { OrdinanceHistory } from '../ordinance/ordinance-version';
import type { ReportStatistics } from './report.events';

/**
 * `statistics` and `contentHash` come from infrastructure (the projection and its hash); the
 * ordinance's history comes with the command, like the time, since the version in force at `now`
 * says which periods are reported and in which time zone they end.
 */
export type PublishReport = {
  type: 'PublishReport';
  data: { period: string; statistics: ReportStatistics; contentHash: string };
  ordinance: OrdinanceHistory;
} & CommandContext;

export type AmendReport = {
  type: 'AmendReport';
  data: { reason: string; statistics: ReportStatistics; contentHash: string };
} & CommandContext;

export type ReportCommand = PublishReport | AmendReport;
