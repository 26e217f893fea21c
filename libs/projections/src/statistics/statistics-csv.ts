import { toCsv, type CsvCell } from './csv';
import { STATISTICS_FIELDS } from './statistics-row';
import type { PublicStatistics } from './statistics-queries';

const COLUMNS = ['requestingAgency', 'requestType', ...STATISTICS_FIELDS] as const;

/** API.md's CSV: one line per row, the JSON row's fields in order without `suppressed`, withheld cells empty. */
export function statisticsCsv(statistics: PublicStatistics): string {
  return toCsv([
    ['period', ...COLUMNS],
    ...statistics.rows.map((row): CsvCell[] => [statistics.period, ...COLUMNS.map((c) => row[c])]),
  ]);
}
